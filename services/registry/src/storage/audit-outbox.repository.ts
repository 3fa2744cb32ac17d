import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { RegistryDatabase } from "./registry-database.js";

type Db = Kysely<RegistryDatabase> | Transaction<RegistryDatabase>;

/** Who asked: the calling system as the HTTP layer saw it (the gateway adds the authenticated user later). */
export interface AuditActor {
  readonly sourceAddress?: string | undefined;
  readonly replyTo?: string | undefined;
  readonly messageId?: string | undefined;
}

/** One audit event row: which transaction, for which patient, with which outcome and the object ids involved. */
export interface AuditEvent {
  readonly transaction: "ITI-18" | "ITI-42" | "ITI-8" | "ITI-8-merge" | "PATIENT-ADMIN";
  readonly outcome: "success" | "failure";
  readonly patientId?: string | undefined;
  readonly actor: AuditActor;
  /** Ids only (entryUUIDs, uniqueIds, query id, error codes), never document content. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Written in the same database transaction as the change it records, so neither exists without the other. */
export async function appendAuditEvent(db: Db, event: AuditEvent): Promise<string> {
  const { eventId, insert } = auditEventInsert(db, event);
  await insert.execute();
  return eventId;
}

/** The insert of one audit row, for callers that send it together with the change it records. */
export function auditEventInsert(db: Db, event: AuditEvent) {
  const eventId = randomUUID();
  const insert = db.insertInto("audit_outbox").values({
    event_id: eventId,
    transaction: event.transaction,
    outcome: event.outcome,
    patient_id: event.patientId ?? null,
    actor: JSON.stringify(event.actor),
    detail: JSON.stringify(event.detail),
  });
  return { eventId, insert };
}
