import { AppError } from "@opendsp/platform";

/** Stable codes of the consent service's refusals; the HTTP layer maps each to its status (routes/problem.ts). */
export type ConsentErrorCode =
  | "CONSENT_ACTOR_MISSING"
  | "CONSENT_ACTOR_INVALID"
  | "CONSENT_FORBIDDEN"
  | "CONSENT_INVALID_REQUEST"
  | "CONSENT_INVALID_PATIENT_ID"
  | "CONSENT_NOT_FOUND"
  | "CONSENT_RECORD_CLOSED"
  | "CONSENT_RECORD_STATE_CONFLICT"
  | "CONSENT_BAD_PRESENCE_CODE"
  | "CONSENT_LOCKED_OUT";

export class ConsentError extends AppError {
  override readonly name = "ConsentError";
  override readonly code: ConsentErrorCode;
  /** For CONSENT_LOCKED_OUT: seconds until another attempt will be heard. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ConsentErrorCode, message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
