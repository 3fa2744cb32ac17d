import { ERROR_SEVERITY, type ErrorSeverity, type XdsErrorCode } from "./vocabulary.js";

/**
 * One RegistryError (ebRS 3.0 §2.1.4): what every parse and validation step returns instead of throwing.
 * `location` names the object (its id or uniqueId) or the XML path the error is about.
 */
export interface XdsError {
  readonly errorCode: XdsErrorCode;
  readonly codeContext: string;
  readonly location: string;
  readonly severity: ErrorSeverity;
}

export function xdsError(errorCode: XdsErrorCode, codeContext: string, location = ""): XdsError {
  return { errorCode, codeContext, location, severity: ERROR_SEVERITY.error };
}

export function xdsWarning(errorCode: XdsErrorCode, codeContext: string, location = ""): XdsError {
  return { errorCode, codeContext, location, severity: ERROR_SEVERITY.warning };
}

export function hasErrors(errors: readonly XdsError[]): boolean {
  return errors.some((e) => e.severity === ERROR_SEVERITY.error);
}

/** Result of a parse step: the value when it could be built at all, and every problem found on the way. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly XdsError[] }
  | { readonly ok: false; readonly errors: readonly XdsError[] };

export function parsed<T>(value: T, problems: readonly XdsError[]): ParseResult<T> {
  return hasErrors(problems) ? { ok: false, errors: problems } : { ok: true, value, warnings: problems };
}
