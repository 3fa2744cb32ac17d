import type { JobQueue } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { AuditConfig } from "./config.js";
import type { AuditDatabase } from "./storage/audit-database.js";

/** What the audit service's routes and jobs work with, built once at start and passed explicitly. */
export interface AuditDeps {
  readonly db: Kysely<AuditDatabase>;
  /** The queue the record-audit-event job runs on; its failed jobs are the dead letter. */
  readonly jobQueue: JobQueue;
  /** The time records are stored and refusals kept at; tests move it. */
  readonly now: () => Date;
}

/** The parts of the configuration the routes read. */
export type AuditSettings = Pick<AuditConfig, "AUDIT_AUDITOR_ROLES" | "AUDIT_HISTORY_DEFAULT_LIMIT" | "AUDIT_HISTORY_MAX_LIMIT" | "AUDIT_INTAKE_MAX_BYTES">;
