import type { MigrationSet } from "@opendsp/platform";
import * as registrySchema from "./2026-11-22T0400-registry-schema.js";

/** Every migration of the registry database, in order of their timestamped names. */
export const REGISTRY_MIGRATIONS: MigrationSet = {
  "2026-11-22T0400-registry-schema": registrySchema,
};
