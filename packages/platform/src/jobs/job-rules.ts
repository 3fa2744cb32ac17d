import { JOB_DEFAULTS, type JobDefinition, type JobPayload } from "./job-queue.js";
import { JobQueueError } from "./job-errors.js";

const JOB_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
// BullMQ refuses ids that are integers (they collide with its own counter) or contain its key separator ":".
const JOB_ID = /^[A-Za-z0-9._~-]{1,256}$/;

/** A definition with every default filled in, checked once when it is registered. */
export interface ResolvedJobDefinition<P extends JobPayload> extends JobDefinition<P> {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly concurrency: number;
}

export function resolveJobDefinition<P extends JobPayload>(definition: JobDefinition<P>, defaultConcurrency: number): ResolvedJobDefinition<P> {
  const { name } = definition;
  if (!JOB_NAME.test(name)) {
    throw new JobQueueError("JOB_DEFINITION_INVALID", `job name "${name}" must be lower-case letters, digits and dashes`);
  }
  const attempts = definition.attempts ?? JOB_DEFAULTS.attempts;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > JOB_DEFAULTS.maxAttempts) {
    throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${name}: attempts must be an integer from 1 to ${JOB_DEFAULTS.maxAttempts}`);
  }
  const backoffMs = definition.backoffMs ?? JOB_DEFAULTS.backoffMs;
  if (!Number.isInteger(backoffMs) || backoffMs < 0) throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${name}: backoffMs must be an integer >= 0`);
  const concurrency = definition.concurrency ?? defaultConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${name}: concurrency must be an integer >= 1`);
  return { ...definition, attempts, backoffMs, concurrency };
}

export function assertJobId(jobId: string): void {
  if (!JOB_ID.test(jobId) || /^\d+$/.test(jobId)) {
    throw new JobQueueError("JOB_ID_INVALID", `job id "${jobId}" must be 1 to 256 letters, digits, ".", "_", "-" or "~", and not only digits`);
  }
}

export function assertEveryMs(name: string, everyMs: number): void {
  if (!Number.isInteger(everyMs) || everyMs < 1) throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${name}: every must be a whole number of milliseconds >= 1`);
}

export function assertDelayMs(name: string, delayMs: number | undefined): void {
  if (delayMs !== undefined && (!Number.isInteger(delayMs) || delayMs < 0)) {
    throw new JobQueueError("JOB_PAYLOAD_INVALID", `job ${name}: delayMs must be a whole number of milliseconds >= 0`);
  }
}

/** Exponential backoff, as BullMQ's "exponential" strategy computes it: the n-th retry waits backoffMs * 2^(n-1). */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return Math.round(backoffMs * 2 ** (attemptsMade - 1));
}
