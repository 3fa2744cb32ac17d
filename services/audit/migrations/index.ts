import type { MigrationSet } from "@opendsp/platform";
import * as auditStore from "./2026-12-06T0200-audit-store.js";

/** Every migration of the audit database, in order of their timestamped names. */
export const AUDIT_MIGRATIONS: MigrationSet = {
  "2026-12-06T0200-audit-store": auditStore,
};
