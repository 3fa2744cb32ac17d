/**
 * Base of the errors services raise for their own reasons (not IHE errors, which travel as XdsError in a
 * RegistryResponse). `code` is stable and prefixed per service (e.g. REG_DB_UNAVAILABLE); `cause` is kept.
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
