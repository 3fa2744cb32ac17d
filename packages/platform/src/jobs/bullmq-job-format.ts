import type { JobsOptions } from "bullmq";
import { JOB_DEFAULTS } from "./job-queue.js";

/**
 * What is stored in Redis for a job: the checked payload JSON and the token of the add() call that stored it. The
 * queue's workers and a producer-only process write and read this same shape, so either side may add the jobs.
 */
export interface StoredJob {
  readonly payload: string;
  readonly addId: string;
}

export interface StoredJobRetention {
  readonly attempts: number;
  readonly backoffMs: number;
  /**
   * Completed jobs remembered, so that an id added again within that time is not run again; "none": removed at once,
   * for jobs whose handler is idempotent by itself and come in numbers (each kept job costs Redis its trimming later).
   */
  readonly keepCompleted?: { readonly count: number; readonly ageMs: number } | "none" | undefined;
  /** Jobs failed for good kept as the dead letter; "all" keeps every one. */
  readonly keepFailed?: number | "all" | undefined;
}

/** BullMQ's options of an added job: retries with exponential backoff, completed jobs kept for deduplication unless "none". */
export function storedJobOptions(retention: StoredJobRetention): JobsOptions {
  const keepCompleted = retention.keepCompleted ?? JOB_DEFAULTS.keepCompleted;
  const keepFailed = retention.keepFailed ?? JOB_DEFAULTS.keepFailed;
  return {
    attempts: retention.attempts,
    backoff: { type: "exponential", delay: retention.backoffMs },
    removeOnComplete: keepCompleted === "none" ? true : { age: Math.ceil(keepCompleted.ageMs / 1000), count: keepCompleted.count },
    removeOnFail: keepFailed === "all" ? false : { count: keepFailed },
  };
}
