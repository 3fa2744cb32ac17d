import type { MigrationSet } from "@opendsp/platform";
import * as consentSchema from "./2026-12-05T1100-consent-schema.js";

/** Every migration of the consent database, in order of their timestamped names. */
export const CONSENT_MIGRATIONS: MigrationSet = {
  "2026-12-05T1100-consent-schema": consentSchema,
};
