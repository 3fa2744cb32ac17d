import type { Logger } from "../logging/logger.js";

/**
 * What every job payload may carry: the id of the request that caused the job, so its log lines join the request's.
 * Payloads are small JSON objects of ids and object keys, never document bytes (see assertJobPayload).
 */
export interface JobPayload {
  readonly requestId?: string | undefined;
}

/** What a handler learns about the run it is in. */
export interface JobContext {
  readonly jobId: string;
  readonly name: string;
  /** 1 on the first run, 2 on the first retry, ... up to maxAttempts. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The queue's logger with job, jobId and requestId bound. */
  readonly logger: Logger;
}

/**
 * A kind of job: its name and the handler that executes it. The handler must be idempotent: the job id is the
 * idempotency key, and a job may run more than once (a retry after a failure, or after a crash in the middle of a run
 * on BullMQ, where an interrupted job is handed to another worker).
 */
export interface JobDefinition<P extends JobPayload> {
  /** Lower-case letters, digits and dashes; unique in its queue. */
  readonly name: string;
  readonly run: (payload: P, context: JobContext) => Promise<void>;
  /** Runs in all before the job is failed for good (dead letter); 1 means no retry. Default 5, at most 25. */
  readonly attempts?: number;
  /** Delay before the first retry; each later retry waits twice as long as the one before. Default 1000 ms. */
  readonly backoffMs?: number;
  /** Jobs of this kind running at once in this process. Default: the queue's concurrency. */
  readonly concurrency?: number;
}

export interface AddJobOptions {
  /**
   * The idempotency key: a job added with the id of a job the queue still holds (waiting, running, waiting for a
   * retry, failed for good, or completed within the retention) is not added again. Letters, digits, `.`, `_`, `-`,
   * `~`; not only digits. Default: a random id (no deduplication).
   */
  readonly jobId?: string;
  /** Run no sooner than this many milliseconds from now. */
  readonly delayMs?: number;
}

export interface AddedJob {
  readonly jobId: string;
  /** False when a job with this id was already held: nothing was added. */
  readonly added: boolean;
}

/** A job that failed for good: every attempt failed, or its handler threw UnrecoverableJobError. */
export interface FailedJob {
  readonly jobId: string;
  readonly name: string;
  readonly payload: JobPayload;
  readonly attemptsMade: number;
  /** The message of the last error. */
  readonly reason: string;
  readonly failedAt: Date;
}

/** A typed view of one defined job, returned by `define`. */
export interface JobType<P extends JobPayload> {
  readonly name: string;
  add(payload: P, options?: AddJobOptions): Promise<AddedJob>;
  /** See JobQueue.every. */
  every(everyMs: number, payload: P): Promise<void>;
}

export type JobQueueBackend = "in-process" | "bullmq";

/**
 * A service's background jobs: in-process on the embedded platform, BullMQ on Redis when REDIS_URL is set. Both give
 * the same guarantees: deduplication by job id, retries with exponential backoff up to a bounded number of attempts,
 * a dead letter of jobs failed for good, repeatable jobs, and a close() that lets running jobs finish.
 */
export interface JobQueue {
  readonly backend: JobQueueBackend;
  /** Registers a kind of job and starts executing jobs of that kind. */
  define<P extends JobPayload>(definition: JobDefinition<P>): JobType<P>;
  /**
   * Adds a job of a defined kind by name; the payload is checked at run time (a JSON object of at most
   * MAX_JOB_PAYLOAD_BYTES). The handle `define` returns gives the same call with the payload's type checked.
   */
  add(name: string, payload: object, options?: AddJobOptions): Promise<AddedJob>;
  /**
   * Runs a job of a defined kind every `everyMs`, the first one `everyMs` from now. One schedule per kind: calling
   * again replaces it. A run is not started while the previous one of the same schedule is still waiting. On BullMQ
   * the schedule lives in Redis: every instance sharing the key prefix shares it, so each period runs once in all.
   */
  every(name: string, everyMs: number, payload: object): Promise<void>;
  /** Jobs failed for good, most recent first (the dead letter). */
  listFailed(options?: { readonly name?: string; readonly limit?: number }): Promise<FailedJob[]>;
  /**
   * Stops taking jobs and waits for the running ones to finish; later `add` calls are refused. Jobs not started
   * stay in Redis for the next start on BullMQ; in-process, the waiting ones are run first, and retries still waiting
   * for their delay are dropped (an in-process queue keeps nothing across restarts).
   */
  close(): Promise<void>;
}

/** Settings shared by both implementations. */
export interface JobQueueSettings {
  /** Names the queue's keys in Redis (one prefix per service and instance) and its log lines. */
  readonly prefix: string;
  readonly logger: Logger;
  /** Default number of jobs of one kind running at once. Default 2. */
  readonly concurrency?: number;
  /** Completed jobs remembered for deduplication by job id. Default 1000, each for at most 24 hours. */
  readonly keepCompleted?: { readonly count: number; readonly ageMs: number };
  /** Jobs failed for good kept in the dead letter. Default the 1000 most recent. */
  readonly keepFailed?: number;
}

export const JOB_DEFAULTS = {
  attempts: 5,
  maxAttempts: 25,
  backoffMs: 1000,
  concurrency: 2,
  keepCompleted: { count: 1000, ageMs: 24 * 3_600_000 },
  keepFailed: 1000,
  listFailedLimit: 100,
} as const;
