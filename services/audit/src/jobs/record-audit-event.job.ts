import { AtnaError, AUDIT_DELIVERY, type RecordAuditEventPayload } from "@opendsp/atna";
import { UnrecoverableJobError, type JobPayload, type JobQueue, type JobType } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { AuditError } from "../domain/audit-error.js";
import { storeAuditRecords } from "../domain/audit-store.service.js";
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
 * down) is retried with AUDIT_DELIVERY's backoff; storing is idempotent by eventId, so a rerun is harmless.
 */
export function defineRecordAuditEventJob(
  queue: JobQueue,
  deps: { readonly db: Kysely<AuditDatabase>; readonly now: () => Date },
  retry: DeliveryRetry = AUDIT_DELIVERY,
): JobType<RecordAuditEventJobPayload> {
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
      const outcome = await storeAuditRecords(deps.db, [record], deps.now());
      context.logger.debug({ eventId: record.eventId, transaction: record.transaction, duplicate: outcome.duplicates > 0 }, "audit record stored");
    },
  });
}
