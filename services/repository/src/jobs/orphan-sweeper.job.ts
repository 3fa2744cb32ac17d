import type { JobPayload, JobQueue, Logger } from "@opendsp/platform";
import { DOCUMENT_BLOB_PREFIX } from "../domain/provide-and-register/document-blob-key.js";
import { findRegisteredDocuments } from "../domain/provide-and-register/iti-18-registered-documents.call.js";
import type { RepositoryDeps } from "../repository-deps.js";
import { deletePending, listPendingOlderThan, markRegistered, referencedBlobKeys } from "../storage/stored-document.repository.js";

/**
 * Purpose: no half-stored submissions survive a crash. ITI-41 writes blobs, then `pending` rows, then calls the
 * registry; a process that dies in between leaves blobs no registered entry references. This job removes them
 * once they are older than REPOSITORY_ORPHAN_GRACE_SECONDS (which must exceed the longest submission: upload plus
 * REGISTRY_TIMEOUT_MS), every REPOSITORY_SWEEP_INTERVAL_SECONDS:
 *
 * 1. `pending` rows past the grace period. The registry is asked first (ITI-18 GetDocuments): a document it holds
 *    under this repository's id was registered and only lost its confirmation (crash after ITI-42), so it is
 *    marked registered and kept. The others lose their blob, then their row. If the registry cannot answer,
 *    nothing is decided and the rows wait for the next run.
 * 2. Blobs under documents/ past the grace period that no row references (the process died between the blob
 *    write and the row insert). Only the month folders of the last weeks before the cut-off are listed, so a run
 *    costs what recent traffic costs, not the whole archive.
 *
 * Idempotent: each step deletes the blob before the row that marks it, so an interrupted run is finished by the
 * next one. A registered document's blob is never deleted: its row references it.
 *
 * The periods are a repeatable job on the service's job queue (scheduleOrphanSweeps): in-process on the embedded
 * platform, BullMQ with REDIS_URL, where repository instances sharing a key prefix (and so a database) sweep once per
 * period in all, not once each.
 */
export interface OrphanSweeper {
  runOnce(now?: Date): Promise<SweepResult>;
  stop(): Promise<void>;
}

export interface SweepResult {
  /** Blobs deleted (orphans of pending rows and unreferenced blobs). */
  readonly deleted: number;
  /** Pending documents found registered at the registry and marked so. */
  readonly markedRegistered: number;
  /** Pending documents left for a later run (registry unavailable, or a deletion failed). */
  readonly kept: number;
}

/** Rows and keys handled per database round trip. */
const BATCH = 500;
/** How far before the cut-off unreferenced blobs are looked for (month folders of the key scheme). */
const UNREFERENCED_LOOKBACK_DAYS = 35;

/** The repeatable job of the sweeps. */
export const ORPHAN_SWEEP_JOB = "orphan-sweep";

/** A sweep needs no input: its cut-off is taken when it runs. */
export type OrphanSweepPayload = JobPayload;

/** The sweeper of this process: runOnce sweeps now; stop waits for a sweep under way. Periods: scheduleOrphanSweeps. */
export function startOrphanSweeper(deps: RepositoryDeps, logger: Logger): OrphanSweeper {
  const log = logger.child({ job: ORPHAN_SWEEP_JOB });
  // Runs are chained: runOnce while a run is going waits for it, so two sweeps never race on the same rows.
  let chain: Promise<unknown> = Promise.resolve();

  const run = (now: Date): Promise<SweepResult> => {
    const next = chain.then(() => sweep(deps, log, now));
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    runOnce: (now = new Date()) => run(now),
    async stop(): Promise<void> {
      await chain;
    },
  };
}

/**
 * Sweeps every `everySeconds` (the first one period from now) as a repeatable job on `jobs`. A failed sweep is not
 * retried: the next period sweeps again, and the failure is listed in the queue's dead letter meanwhile.
 */
export async function scheduleOrphanSweeps(jobs: JobQueue, sweeper: OrphanSweeper, everySeconds: number): Promise<void> {
  const job = jobs.define<OrphanSweepPayload>({
    name: ORPHAN_SWEEP_JOB,
    attempts: 1,
    concurrency: 1,
    run: async () => {
      await sweeper.runOnce();
    },
  });
  await job.every(everySeconds * 1000, {});
}

async function sweep(deps: RepositoryDeps, log: Logger, now: Date): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - deps.config.REPOSITORY_ORPHAN_GRACE_SECONDS * 1000);
  const pending = await sweepPending(deps, log, cutoff);
  const unreferenced = await sweepUnreferenced(deps, log, cutoff);
  const result = { deleted: pending.deleted + unreferenced, markedRegistered: pending.markedRegistered, kept: pending.kept };
  if (result.deleted > 0 || result.markedRegistered > 0 || result.kept > 0) log.info(result, "orphan sweep");
  return result;
}

async function sweepPending(deps: RepositoryDeps, log: Logger, cutoff: Date): Promise<SweepResult> {
  const rows = await listPendingOlderThan(deps.db, cutoff, BATCH);
  if (rows.length === 0) return { deleted: 0, markedRegistered: 0, kept: 0 };
  const registered = await findRegisteredDocuments(deps.config, rows.map((r) => r.documentUniqueId));
  if (!registered) {
    log.warn({ pending: rows.length }, "the registry could not be asked about pending documents; they are kept for the next run");
    return { deleted: 0, markedRegistered: 0, kept: rows.length };
  }
  let deleted = 0;
  let markedRegistered = 0;
  let kept = 0;
  for (const row of rows) {
    try {
      if (registered.get(row.documentUniqueId)?.repositoryUniqueId === deps.config.REPOSITORY_UNIQUE_ID) {
        markedRegistered += await markRegistered(deps.db, [row.documentUniqueId]);
        continue;
      }
      await deps.blobs.delete(row.blobKey);
      await deletePending(deps.db, [row]);
      deleted++;
    } catch (err) {
      kept++;
      log.warn({ err }, "a pending document could not be swept; retried at the next run");
    }
  }
  return { deleted, markedRegistered, kept };
}

async function sweepUnreferenced(deps: RepositoryDeps, log: Logger, cutoff: Date): Promise<number> {
  let deleted = 0;
  let candidates: string[] = [];
  const flush = async (): Promise<void> => {
    const referenced = await referencedBlobKeys(deps.db, candidates);
    for (const key of candidates) {
      if (referenced.has(key)) continue;
      try {
        await deps.blobs.delete(key);
        deleted++;
      } catch (err) {
        log.warn({ err }, "an unreferenced blob could not be deleted; retried at the next run");
      }
    }
    candidates = [];
  };
  for (const prefix of monthPrefixes(new Date(cutoff.getTime() - UNREFERENCED_LOOKBACK_DAYS * 86_400_000), cutoff)) {
    for await (const blob of deps.blobs.list(prefix)) {
      if (blob.lastModified.getTime() >= cutoff.getTime()) continue;
      candidates.push(blob.key);
      if (candidates.length >= BATCH) await flush();
    }
  }
  if (candidates.length > 0) await flush();
  return deleted;
}

/** `documents/<yyyy>/<mm>/` for every month from `from` to `to` (UTC), as newDocumentBlobKey forms them. */
function monthPrefixes(from: Date, to: Date): string[] {
  const out: string[] = [];
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth();
  while (year < to.getUTCFullYear() || (year === to.getUTCFullYear() && month <= to.getUTCMonth())) {
    out.push(`${DOCUMENT_BLOB_PREFIX}${String(year).padStart(4, "0")}/${String(month + 1).padStart(2, "0")}/`);
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return out;
}
