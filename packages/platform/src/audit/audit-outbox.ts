import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import type { InsertQueryBuilder, InsertResult, Kysely } from "kysely";
import { messageOf } from "../errors/app-error.js";
import { AuditOutboxError } from "./audit-outbox-error.js";
import type { AuditOutboxDatabase } from "./audit-outbox.table.js";

/**
 * Any service database (or transaction on it) whose schema holds the outbox table (AuditOutboxDatabase). Kysely's
 * database type does not widen, so the functions take the service's own type and use the outbox part of it.
 */
export interface AuditOutboxDb {
  insertInto(table: "audit_outbox"): unknown;
  selectFrom(table: "audit_outbox"): unknown;
}

const outboxOf = (db: AuditOutboxDb): Kysely<AuditOutboxDatabase> => db as unknown as Kysely<AuditOutboxDatabase>;

/** The record checked against the shared schema, or AUDIT_RECORD_INVALID: a service never writes a record the audit service would refuse. */
export function checkedAuditRecord(record: AuditRecord): AuditRecord {
  try {
    return parseAuditRecord(record);
  } catch (cause) {
    throw new AuditOutboxError("AUDIT_RECORD_INVALID", `audit record ${record.eventId} (${record.transaction}) is invalid: ${messageOf(cause)}`, { cause });
  }
}

/** The outbox row of one record, checked: for writers that insert it by other means than auditRecordInsert. */
export interface AuditOutboxRow {
  readonly event_id: string;
  readonly record: string;
}

export function auditOutboxRow(record: AuditRecord): AuditOutboxRow {
  const checked = checkedAuditRecord(record);
  return { event_id: checked.eventId, record: JSON.stringify(checked) };
}

/**
 * The insert of one record into the outbox, for the caller to run inside the transaction of the change it records
 * (IHE ITI TF-1 9.1: the event is audited when it happens; the outbox makes the record and the change one commit).
 */
export function auditRecordInsert(
  db: AuditOutboxDb,
  record: AuditRecord,
): InsertQueryBuilder<AuditOutboxDatabase, "audit_outbox", InsertResult> {
  return outboxOf(db).insertInto("audit_outbox").values(auditOutboxRow(record));
}

/** Writes one record now (in the caller's transaction when `db` is one). */
export async function appendAuditRecord(db: AuditOutboxDb, record: AuditRecord): Promise<void> {
  await auditRecordInsert(db, record).execute();
}

/** Rows waiting for delivery and rows set aside as invalid. */
export async function countAuditOutbox(db: AuditOutboxDb): Promise<{ pending: number; heldAside: number }> {
  const own = outboxOf(db);
  const rows = await own
    .selectFrom("audit_outbox")
    .select(["held_aside", own.fn.countAll<string>().as("n")])
    .groupBy("held_aside")
    .execute();
  const count = (held: boolean): number => Number(rows.find((r) => r.held_aside === held)?.n ?? 0);
  return { pending: count(false), heldAside: count(true) };
}
