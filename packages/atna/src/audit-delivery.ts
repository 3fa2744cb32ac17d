/**
 * How audit records travel from the service that wrote them (its audit_outbox table, moved by its relay) to the
 * audit service, the only writer of the audit store. Two ways, both idempotent by the record's eventId:
 * - with Redis: a BullMQ job per record on the audit service's queue (the event id is the job id, so a record
 *   relayed twice is one job); the audit service's worker stores it, retrying with backoff, and a record that still
 *   fails after every attempt lands in the dead letter its admin API shows;
 * - without Redis (the embedded platform): the relay posts batches to the audit service's intake over HTTP.
 */
export const AUDIT_DELIVERY = {
  /** Key prefix of the audit service's queue in Redis; producers and the consumer must agree on it. */
  queuePrefix: "opendsp:audit",
  /** The job that stores one record; its payload is RecordAuditEventPayload. */
  jobName: "record-audit-event",
  /** Attempts before a job goes to the dead letter: with 2 s doubling, the last retry comes about 2.3 hours after the first. */
  attempts: 13,
  backoffMs: 2000,
  /** The audit service's HTTP intake (no Redis), relative to its base URL: POST AuditIntakeRequest. */
  intakePath: "/internal/audit-events",
  /** Most records in one intake request or one relay batch. */
  maxBatch: 500,
} as const;

/** The payload of the record-audit-event job: the record itself (ids and codes only, never document content). */
export interface RecordAuditEventPayload {
  readonly record: unknown;
}

/** Body of POST {audit}/internal/audit-events. */
export interface AuditIntakeRequest {
  readonly records: readonly unknown[];
}

/**
 * Answer of the intake: 200 when every record is stored (now or before: `duplicates` were already there); 400 when
 * the body or a record is not valid (`invalid` lists the indexes and why; nothing of the batch is stored, so the
 * relay can set those rows aside and send the rest); 503 when the audit store cannot be written (retry later).
 */
export interface AuditIntakeResponse {
  readonly stored: number;
  readonly duplicates: number;
}
export interface AuditIntakeRefusal {
  readonly code: "AUDIT_INTAKE_INVALID" | "AUDIT_STORE_UNAVAILABLE";
  readonly message: string;
  readonly invalid?: readonly { readonly index: number; readonly reason: string }[];
}
