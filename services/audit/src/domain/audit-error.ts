import { AppError } from "@opendsp/platform";

/** Stable codes of the audit service's refusals; the HTTP layer maps each to its status (routes/problem.ts). */
export type AuditErrorCode =
  | "AUDIT_ACTOR_MISSING"
  | "AUDIT_ACTOR_INVALID"
  | "AUDIT_FORBIDDEN"
  | "AUDIT_INVALID_REQUEST"
  | "AUDIT_INVALID_CURSOR"
  | "AUDIT_INTAKE_INVALID"
  | "AUDIT_RECORD_NOT_STORABLE"
  | "AUDIT_INTAKE_TOO_LARGE"
  | "AUDIT_STORE_UNAVAILABLE";

export class AuditError extends AppError {
  override readonly name = "AuditError";
  override readonly code: AuditErrorCode;
  constructor(code: AuditErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
  }
}
