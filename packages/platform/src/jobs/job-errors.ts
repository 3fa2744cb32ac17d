import { AppError } from "../errors/app-error.js";

/**
 * Thrown by a handler when retrying cannot help (a payload naming something that does not exist, a rule refused):
 * the job goes to the dead letter at once instead of using up its attempts.
 */
export class UnrecoverableJobError extends Error {
  override readonly name = "UnrecoverableJobError";
}

/**
 * Errors of the queue itself, with stable codes: JOB_PAYLOAD_TOO_LARGE, JOB_PAYLOAD_INVALID, JOB_ID_INVALID,
 * JOB_UNKNOWN, JOB_DEFINITION_INVALID, JOB_QUEUE_CLOSED, JOB_QUEUE_UNAVAILABLE.
 */
export class JobQueueError extends AppError {
  override readonly name = "JobQueueError";
}
