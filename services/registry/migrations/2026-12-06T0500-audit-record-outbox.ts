import { createAuditOutboxTable, dropAuditOutboxTable } from "@opendsp/platform";
import { sql, type Kysely } from "kysely";

/**
 * The outbox of shared AuditRecords (@opendsp/atna), moved to the audit service by the relay. The rows of the former
 * ad-hoc events are kept, untouched, in audit_outbox_legacy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_outbox RENAME TO audit_outbox_legacy`.execute(db);
  await sql`ALTER INDEX audit_outbox_pending RENAME TO audit_outbox_legacy_pending`.execute(db);
  await createAuditOutboxTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAuditOutboxTable(db);
  await sql`ALTER INDEX audit_outbox_legacy_pending RENAME TO audit_outbox_pending`.execute(db);
  await sql`ALTER TABLE audit_outbox_legacy RENAME TO audit_outbox`.execute(db);
}
