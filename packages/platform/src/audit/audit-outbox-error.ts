import { AppError } from "../errors/app-error.js";

/**
 * AUDIT_RECORD_INVALID: a service built a record the schema refuses (a programming error, never bad input).
 * AUDIT_DELIVERY_CONFIG_INVALID: the audit URL or queue settings cannot be used.
 */
export type AuditOutboxErrorCode = "AUDIT_RECORD_INVALID" | "AUDIT_DELIVERY_CONFIG_INVALID";

export class AuditOutboxError extends AppError {
  override readonly name = "AuditOutboxError";
  override readonly code: AuditOutboxErrorCode;
  constructor(code: AuditOutboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
}
