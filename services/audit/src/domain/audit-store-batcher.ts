import type { AuditRecord } from "@opendsp/atna";
import type { Kysely } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { storeAuditRecordsEach } from "./audit-store.service.js";

export interface AuditStoreBatcherOptions {
  readonly db: Kysely<AuditDatabase>;
  readonly now: () => Date;
  /** Most records in one transaction. Default AUDIT_STORE_MAX_BATCH. */
  readonly maxBatch?: number;
  /** How long an idle batcher waits after a record for more before it opens a transaction. Default AUDIT_STORE_LINGER_MS. */
  readonly lingerMs?: number;
  /**
   * Most records that can wait at once (the jobs running at once, each waiting for its own): once that many wait,
   * no more can come, and they are stored without lingering.
   */
  readonly callersAtMost?: number;
}

/** Stores the records of concurrent callers together (group commit). */
export interface AuditStoreBatcher {
  /**
   * Stores the record with the others waiting; resolves once its transaction committed: true if stored now, false if
   * it was a duplicate. Rejects (AUDIT_STORE_UNAVAILABLE) only for a failure of this record's own store.
   */
  store(record: AuditRecord): Promise<boolean>;
}

export const AUDIT_STORE_MAX_BATCH = 200;
/**
 * A relay's batch reaches the worker as jobs taken one Redis round trip after another: 25 ms gathers most of a batch
 * into one transaction instead of a lone first record followed by the rest (bench:audit with relays passing every
 * 50 ms, audit service CPU per record: ITI-18 0.70 -> 0.61 ms, ITI-41 1.43 -> 1.07 ms against 5 ms). A record is
 * stored at most that much later; an audit trail does not need it sooner.
 */
export const AUDIT_STORE_LINGER_MS = 25;

interface Waiting {
  readonly record: AuditRecord;
  resolve(stored: boolean): void;
  reject(err: unknown): void;
}

/**
 * One job per audit record (AUDIT_DELIVERY: the event id is the job id) would mean one transaction per record: the
 * BEGIN, the three inserts, the store-order lock and a commit flushed to disk, for a row of a few hundred bytes. The
 * jobs the worker runs at once hand their records here instead; the records that arrive while a transaction runs go
 * into the next one, so under load each commit carries many records, and an idle service stores a lone record after
 * lingerMs (no waiting for a batch to fill).
 *
 * A failed batch is not failed as a whole: each of its records is stored again alone, so a record the database
 * refuses fails only its own job (retried, then the dead letter), and an outage fails every job of the batch, each of
 * which BullMQ retries with its backoff. Storing is idempotent by eventId, so a retry never stores a record twice.
 */
export function createAuditStoreBatcher(options: AuditStoreBatcherOptions): AuditStoreBatcher {
  const maxBatch = options.maxBatch ?? AUDIT_STORE_MAX_BATCH;
  const lingerMs = options.lingerMs ?? AUDIT_STORE_LINGER_MS;
  const full = Math.min(maxBatch, options.callersAtMost ?? maxBatch);
  const waiting: Waiting[] = [];
  let flushing = false;
  let lingering: NodeJS.Timeout | undefined;

  const storeAlone = async (item: Waiting): Promise<void> => {
    try {
      const [stored] = await storeAuditRecordsEach(options.db, [item.record], options.now());
      item.resolve(stored === true);
    } catch (err) {
      item.reject(err);
    }
  };

  const storeBatch = async (batch: readonly Waiting[]): Promise<void> => {
    try {
      const stored = await storeAuditRecordsEach(options.db, batch.map((w) => w.record), options.now());
      batch.forEach((w, i) => w.resolve(stored[i] === true));
    } catch (err) {
      if (batch.length === 1) {
        (batch[0] as Waiting).reject(err);
        return;
      }
      // Which record broke the batch is unknown (or the database is down): each is tried on its own, at once (the
      // pool bounds how many run together), so that an outage fails the jobs soon rather than one timeout after another.
      await Promise.all(batch.map(storeAlone));
    }
  };

  const flush = async (): Promise<void> => {
    clearTimeout(lingering);
    lingering = undefined;
    if (flushing) return;
    flushing = true;
    try {
      while (waiting.length > 0) await storeBatch(waiting.splice(0, maxBatch));
    } finally {
      flushing = false;
    }
  };

  return {
    store(record) {
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ record, resolve, reject });
        if (flushing) return;
        // The first record of an idle batcher waits lingerMs for the jobs taken right after it, unless they all came.
        if (waiting.length >= full) void flush();
        else if (waiting.length === 1) lingering = setTimeout(() => void flush(), lingerMs);
      });
    },
  };
}
