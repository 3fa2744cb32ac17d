import type { Logger } from "../logging/logger.js";
import type { JobPayload } from "./job-queue.js";

/** A run's logger: job name, id and the request id the payload carries. Never the payload itself. */
export function jobLogger(logger: Logger, name: string, jobId: string, payload: JobPayload): Logger {
  const requestId = typeof payload.requestId === "string" ? payload.requestId : undefined;
  return logger.child(requestId === undefined ? { job: name, jobId } : { job: name, jobId, requestId });
}

/** One line per failed run: a warning while retries remain, an error when the job goes to the dead letter. */
export function logJobFailure(log: Logger, err: unknown, attempt: number, maxAttempts: number, retryInMs: number | undefined): void {
  if (retryInMs === undefined) log.error({ err, attempt, maxAttempts }, "job failed for good; kept in the dead letter");
  else log.warn({ err, attempt, maxAttempts, retryInMs }, "job failed; retried later");
}
