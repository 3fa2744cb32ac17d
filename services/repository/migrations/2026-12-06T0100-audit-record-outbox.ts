import { createAuditOutboxTable, dropAuditOutboxTable } from "@opendsp/platform";
import { sql, type Kysely } from "kysely";

/**
 * The outbox of shared AuditRecords (@opendsp/atna), moved to the audit service by the relay; and the patient of
 * each stored document, which the ITI-43 audit record names (ITI TF-2b 3.43.5.1.2). Documents stored before this
 * migration have no patient: their retrievals are audited without one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createAuditOutboxTable(db);
  await sql`ALTER TABLE stored_document ADD COLUMN patient_id text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stored_document DROP COLUMN patient_id`.execute(db);
  await dropAuditOutboxTable(db);
}
