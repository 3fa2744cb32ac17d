import { AtnaError, AUDIT_DELIVERY, type RecordAuditEventPayload } from "@opendsp/atna";
import { UnrecoverableJobError, type JobPayload, type JobQueue, type JobType } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { AuditError } from "../domain/audit-error.js";
import { createAuditStoreBatcher } from "../domain/audit-store-batcher.js";
import { parseStorableRecord } from "../domain/storable-record.js";
import type { AuditDatabase } from "../storage/audit-database.js";

/** The contract's payload; the request id of the platform's jobs may travel with it. */
export type RecordAuditEventJobPayload = RecordAuditEventPayload & JobPayload;

export interface DeliveryRetry {
  readonly attempts: number;
  readonly backoffMs: number;
}

/**
 * The consumer of AUDIT_DELIVERY with Redis: the relays add one job per record (job id = eventId) and this stores it.
 * A record that is not valid will never be: it goes to the dead letter at once. A store that fails (audit database
 * down) is retried with AUDIT_DELIVERY's backoff; storing is idempotent by eventId, so a rerun is harmless. The jobs
 * running at once (the queue's concurrency) share their transactions (createAuditStoreBatcher); each job completes
 * only once its record is committed.
 */
export function defineRecordAuditEventJob(
  queue: JobQueue,
  deps: { readonly db: Kysely<AuditDatabase>; readonly now: () => Date; readonly concurrency?: number },
  retry: DeliveryRetry = AUDIT_DELIVERY,
): JobType<RecordAuditEventJobPayload> {
  const batcher = createAuditStoreBatcher({ db: deps.db, now: deps.now, ...(deps.concurrency === undefined ? {} : { callersAtMost: deps.concurrency }) });
  return queue.define<RecordAuditEventJobPayload>({
    name: AUDIT_DELIVERY.jobName,
    attempts: retry.attempts,
    backoffMs: retry.backoffMs,
    run: async (payload, context) => {
      let record;
      try {
        record = parseStorableRecord(payload.record);
      } catch (err) {
        if (err instanceof AtnaError || err instanceof AuditError) throw new UnrecoverableJobError(`${err.code}: ${err.message}`, { cause: err });
        throw err;
      }
      const stored = await batcher.store(record);
      context.logger.debug({ eventId: record.eventId, transaction: record.transaction, duplicate: !stored }, "audit record stored");
    },
  });
}
