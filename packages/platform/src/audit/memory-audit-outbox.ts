import { AUDIT_DELIVERY, type AuditRecord } from "@opendsp/atna";
import type { Logger } from "../logging/logger.js";
import type { AuditDelivery } from "./audit-delivery.js";
import { checkedAuditRecord } from "./audit-outbox.js";

export interface MemoryAuditOutboxOptions {
  readonly delivery: AuditDelivery;
  readonly logger: Logger;
  /** Records held at most; past it the oldest is dropped (and logged by eventId). Default 10 000. */
  readonly maxRecords?: number;
  /** First wait after a failed delivery, doubled per failure up to maxBackoffMs. Defaults 1 s and 10 s. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface MemoryAuditOutbox {
  /** Queues a record (checked first: AUDIT_RECORD_INVALID is a programming error) and wakes the sender. */
  append(record: AuditRecord): void;
  /** Records not yet delivered. */
  size(): number;
  /** Stops sending and waits for the batch in flight; records still held are logged by count. */
  close(): Promise<void>;
}

/**
 * The outbox of a service without a database (the gateway): records wait in memory, bounded, until the delivery
 * takes them, retried with doubling backoff. What a crash or the bound loses is what this trades for having no store.
 */
export function createMemoryAuditOutbox(options: MemoryAuditOutboxOptions): MemoryAuditOutbox {
  const log = options.logger.child({ component: "audit-outbox", auditDelivery: options.delivery.kind });
  const maxRecords = options.maxRecords ?? 10_000;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const held: AuditRecord[] = [];
  let failures = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;

  const sendBatch = async (): Promise<void> => {
    const batch = held.slice(0, AUDIT_DELIVERY.maxBatch);
    const result = await options.delivery.deliver(batch).catch((e: unknown) => ({ outcome: "unavailable" as const, reason: String(e) }));
    if (result.outcome === "unavailable") {
      failures++;
      log.warn({ records: batch.length, reason: result.reason, failures }, "the audit delivery failed; the records are kept in memory");
      return;
    }
    failures = 0;
    const invalid = new Set(result.outcome === "invalid" ? result.invalid.map((i) => i.index) : batch.map((_, i) => i));
    if (result.outcome === "invalid") {
      for (const item of result.invalid) log.error({ eventId: batch[item.index]?.eventId, reason: item.reason }, "an audit record was refused as invalid and dropped");
    }
    // Records appended during the delivery are behind the batch; drop exactly the batch's delivered or refused ones.
    const sent = new Set(batch.filter((_, i) => result.outcome === "delivered" || invalid.has(i)));
    const remaining = held.filter((r) => !sent.has(r));
    held.length = 0;
    held.push(...remaining);
  };

  const pump = (): void => {
    timer = undefined;
    if (closed || sending || held.length === 0) return;
    sending = sendBatch().finally(() => {
      sending = undefined;
      if (closed || held.length === 0) return;
      const wait = failures === 0 ? 0 : Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1));
      timer = setTimeout(pump, wait);
    });
  };

  return {
    append(record) {
      const checked = checkedAuditRecord(record);
      held.push(checked);
      while (held.length > maxRecords) {
        const dropped = held.shift();
        log.error({ eventId: dropped?.eventId, maxRecords }, "the in-memory audit outbox is full: its oldest record is dropped");
      }
      // During a backoff the timer sends; a new record does not hurry a delivery known to be down.
      if (failures === 0 && timer === undefined) pump();
    },
    size: () => held.length,
    async close() {
      closed = true;
      clearTimeout(timer);
      await sending;
      if (held.length > 0) log.warn({ records: held.length }, "audit records not delivered when the outbox closed");
    },
  };
}
