import { AUDIT_DELIVERY, type RecordAuditEventPayload } from "@opendsp/atna";
import { messageOf } from "../errors/app-error.js";
import { createJobProducer } from "../jobs/create-job-producer.js";
import type { ProducedJobKind } from "../jobs/bullmq-job-producer.js";
import type { Logger } from "../logging/logger.js";
import type { AuditDelivery } from "./audit-delivery.js";
import { invalidAuditRecords } from "./invalid-audit-records.js";

export interface QueueAuditDeliveryOptions {
  readonly redisUrl: string;
  /** The audit service's queue prefix; default AUDIT_DELIVERY.queuePrefix. */
  readonly queuePrefix?: string | undefined;
  readonly logger: Logger;
}

/**
 * One record-audit-event job per record on the audit service's queue, the event id as job id (a record relayed twice
 * while its job waits is one job). Failed jobs are never removed: after AUDIT_DELIVERY.attempts they are the dead
 * letter the audit service's admin API shows. Completed ones are removed at once: the audit store keeps each eventId
 * once by itself, so a record relayed again later is stored once all the same, and keeping every completed job of
 * every audited request for a day would only cost Redis memory and the work of trimming them.
 */
const RECORD_AUDIT_EVENT: ProducedJobKind = {
  name: AUDIT_DELIVERY.jobName,
  attempts: AUDIT_DELIVERY.attempts,
  backoffMs: AUDIT_DELIVERY.backoffMs,
  keepCompleted: "none",
  keepFailed: "all",
};

export async function createQueueAuditDelivery(options: QueueAuditDeliveryOptions): Promise<AuditDelivery> {
  const prefix = options.queuePrefix ?? AUDIT_DELIVERY.queuePrefix;
  const producer = await createJobProducer({ redisUrl: options.redisUrl, prefix, logger: options.logger });
  return {
    kind: "queue",
    async deliver(records) {
      const invalid = invalidAuditRecords(records);
      if (invalid.length > 0) return { outcome: "invalid", invalid };
      try {
        // One round trip for the batch (at most AUDIT_DELIVERY.maxBatch records): per record, two round trips cost
        // the relay more CPU than the transaction it audits. The event id as job id makes a batch sent again harmless.
        await producer.addMany(
          RECORD_AUDIT_EVENT,
          records.map((record) => ({ payload: { record } satisfies RecordAuditEventPayload, jobId: record.eventId })),
        );
        return { outcome: "delivered" };
      } catch (e) {
        return { outcome: "unavailable", reason: messageOf(e) };
      }
    },
    close: () => producer.close(),
  };
}
