import type { MigrationSet } from "@opendsp/platform";
import * as repositorySchema from "./2026-11-22T0500-repository-schema.js";
import * as auditRecordOutbox from "./2026-12-06T0100-audit-record-outbox.js";

/** Every migration of the repository database, in order of their timestamped names. */
export const REPOSITORY_MIGRATIONS: MigrationSet = {
  "2026-11-22T0500-repository-schema": repositorySchema,
  "2026-12-06T0100-audit-record-outbox": auditRecordOutbox,
};
