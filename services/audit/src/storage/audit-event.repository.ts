import type { AuditRecord } from "@opendsp/atna";
import { sql, type Kysely, type Transaction } from "kysely";
import type { AuditDatabase } from "./audit-database.js";

type Executor = Kysely<AuditDatabase> | Transaction<AuditDatabase>;

/**
 * Claims the event ids of the records in audit_event_key; returns the ids that were new. An id already there (or
 * claimed by a concurrent transaction that commits) is skipped: ON CONFLICT DO NOTHING waits for that transaction.
 */
export async function claimEventIds(trx: Executor, records: readonly AuditRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const rows = await trx
    .insertInto("audit_event_key")
    .values(records.map((r) => ({ event_id: r.eventId.toLowerCase(), occurred_at: new Date(r.occurredAt) })))
    .onConflict((oc) => oc.column("event_id").doNothing())
    .returning("event_id")
    .execute();
  return new Set(rows.map((r) => r.event_id));
}

/** Key of the transaction-level advisory lock under which audit_event rows take their seq. */
const STORE_ORDER_LOCK = 0x61756469745f7365n;

/**
 * Writes the events (whose ids were just claimed) and their patient index rows. Run in a transaction: it holds the
 * store-order lock until commit, so the seq values (2026-12-06T0400-audit-event-store-order) commit in their order and
 * the ITI-20 forwarder, which reads after the last seq it sent, never skips a row committed late.
 */
export async function insertEvents(trx: Transaction<AuditDatabase>, records: readonly AuditRecord[], storedAt: Date): Promise<void> {
  if (records.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${STORE_ORDER_LOCK.toString()}::bigint)`.execute(trx);
  await trx
    .insertInto("audit_event")
    .values(
      records.map((r) => ({
        event_id: r.eventId.toLowerCase(),
        occurred_at: new Date(r.occurredAt),
        stored_at: storedAt,
        transaction: r.transaction,
        role: r.role,
        outcome: r.outcome,
        requestor_kind: r.requestor?.kind ?? null,
        requestor_id: r.requestor?.id ?? null,
        requestor_org: r.requestor?.organizationId ?? null,
        requestor_roles: [...(r.requestor?.roles ?? [])],
        grant_basis: r.grant?.basis ?? null,
        grant_emergency: r.grant?.emergency ?? false,
        record: JSON.stringify(r),
      })),
    )
    .execute();
  const patients = records.flatMap((r) =>
    [...new Set(r.patientIds)].map((patientId) => ({ patient_id: patientId, event_id: r.eventId.toLowerCase(), occurred_at: new Date(r.occurredAt) })),
  );
  if (patients.length > 0) await trx.insertInto("audit_event_patient").values(patients).execute();
}
