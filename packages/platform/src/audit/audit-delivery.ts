import type { AuditRecord } from "@opendsp/atna";

/** Records the audit service refused as invalid, by their index in the batch, and why. */
export interface InvalidAuditRecord {
  readonly index: number;
  readonly reason: string;
}

/**
 * What became of a batch: every record taken; none taken because some are invalid (the others may be sent again
 * without them); or none taken for now (audit service or Redis unreachable): send the same batch again later.
 */
export type AuditDeliveryResult =
  | { readonly outcome: "delivered" }
  | { readonly outcome: "invalid"; readonly invalid: readonly InvalidAuditRecord[] }
  | { readonly outcome: "unavailable"; readonly reason: string };

/** Hands audit records to the audit service, idempotently by eventId (AUDIT_DELIVERY in @opendsp/atna). */
export interface AuditDelivery {
  /** "queue" (a job per record on Redis) or "http" (the audit service's intake). */
  readonly kind: "queue" | "http";
  /** Never throws for an outage: it answers "unavailable". */
  deliver(records: readonly AuditRecord[]): Promise<AuditDeliveryResult>;
  close(): Promise<void>;
}
