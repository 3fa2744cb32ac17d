import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import type { InsertQueryBuilder, InsertResult, Kysely } from "kysely";
import { messageOf } from "../errors/app-error.js";
import { AuditOutboxError } from "./audit-outbox-error.js";
import type { AuditOutboxDatabase } from "./audit-outbox.table.js";

/** Any database (or transaction) that holds the outbox table. */
export type AuditOutboxDb<DB extends AuditOutboxDatabase> = Kysely<DB>;

/** The record checked against the shared schema, or AUDIT_RECORD_INVALID: a service never writes a record the audit service would refuse. */
export function checkedAuditRecord(record: AuditRecord): AuditRecord {
  try {
    return parseAuditRecord(record);
  } catch (cause) {
    throw new AuditOutboxError("AUDIT_RECORD_INVALID", `audit record ${record.eventId} (${record.transaction}) is invalid: ${messageOf(cause)}`, { cause });
  }
}

/**
 * The insert of one record into the outbox, for the caller to run inside the transaction of the change it records
 * (IHE ITI TF-1 9.1: the event is audited when it happens; the outbox makes the record and the change one commit).
 */
export function auditRecordInsert<DB extends AuditOutboxDatabase>(
  db: AuditOutboxDb<DB>,
  record: AuditRecord,
): InsertQueryBuilder<AuditOutboxDatabase, "audit_outbox", InsertResult> {
  const checked = checkedAuditRecord(record);
  const own = db as unknown as Kysely<AuditOutboxDatabase>;
  return own.insertInto("audit_outbox").values({ event_id: checked.eventId, record: JSON.stringify(checked) });
}

/** Writes one record now (in the caller's transaction when `db` is one). */
export async function appendAuditRecord<DB extends AuditOutboxDatabase>(db: AuditOutboxDb<DB>, record: AuditRecord): Promise<void> {
  await auditRecordInsert(db, record).execute();
}

/** Rows waiting for delivery and rows set aside as invalid. */
export async function countAuditOutbox<DB extends AuditOutboxDatabase>(db: AuditOutboxDb<DB>): Promise<{ pending: number; heldAside: number }> {
  const own = db as unknown as Kysely<AuditOutboxDatabase>;
  const rows = await own
    .selectFrom("audit_outbox")
    .select(["held_aside", own.fn.countAll<string>().as("n")])
    .groupBy("held_aside")
    .execute();
  const count = (held: boolean): number => Number(rows.find((r) => r.held_aside === held)?.n ?? 0);
  return { pending: count(false), heldAside: count(true) };
}
