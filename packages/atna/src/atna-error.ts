/**
 * Why an audit record, a received audit message or a syslog frame is refused. A plain Error subclass rather than
 * platform's AppError: atna stays pure beside ebxml, below platform (which loads database, queue and HTTP
 * libraries), so every layer, platform included, may import it without a cycle.
 */
export type AtnaErrorCode =
  | "ATNA_RECORD_INVALID"
  | "ATNA_RECORD_ROLE"
  | "ATNA_SYSLOG_MALFORMED"
  | "ATNA_SYSLOG_INVALID_FIELD"
  | "ATNA_FRAME_LENGTH_INVALID"
  | "ATNA_FRAME_TOO_LARGE";

export class AtnaError extends Error {
  override readonly name = "AtnaError";
  readonly code: AtnaErrorCode;
  constructor(code: AtnaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
