import { isCxPatientId, isLanguageCode, isMimeType, isOid, type Code } from "@opendsp/ebxml";
import { InvalidArgumentError } from "commander";
import { confidentialityOf } from "../metadata/code-systems.js";
import { parseCodeInput, type DspCategory } from "../metadata/dsp-categories.js";
import { parseDateInput, type DtmInput } from "../metadata/hl7-dtm.js";

/*
 * Parsers of option values. Each throws commander's InvalidArgumentError with the reason, which commander turns into
 * "option '--x <v>' argument 'y' is invalid. <reason>" and the command into exit code 2.
 */

const CX_HINT = "expected a CX patient id id^^^&OID&ISO, e.g. 1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO (quote it in the shell)";

export function patientIdValue(value: string): string {
  const v = value.trim();
  if (!isCxPatientId(v)) throw new InvalidArgumentError(CX_HINT);
  return v;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number of at least 0");
  return n;
}

export function secondsValue(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError("expected a number of seconds, above 0 and at most 86400");
  return n;
}

export interface CodeOptionValue {
  readonly code: Code;
  readonly category?: DspCategory;
}

export function codeValue(value: string): CodeOptionValue {
  const result = parseCodeInput(value);
  if (!result.ok) throw new InvalidArgumentError(result.reason);
  return result.category ? { code: result.code, category: result.category } : { code: result.code };
}

/** For repeatable --class / --type of the query: each value adds to the list. */
export function collectCodes(value: string, previous: readonly CodeOptionValue[] | undefined): CodeOptionValue[] {
  return [...(previous ?? []), codeValue(value)];
}

export function dateValue(value: string): DtmInput {
  const date = parseDateInput(value);
  if (!date) throw new InvalidArgumentError("expected a date such as 2024-03-15, 2024-03, 2024, 2024-03-15T10:20 or 20240315 (UTC)");
  return date;
}

/** A birth date: a whole day (PID-7 as XDS writes it, YYYYMMDD). */
export function birthDateValue(value: string): string {
  const date = parseDateInput(value);
  if (!date || date.dtm.length !== 8) throw new InvalidArgumentError("expected a day such as 1985-03-24");
  return date.dtm;
}

/** Administrative sex, HL7 v2 table 0001 (PID-8). */
export function sexValue(value: string): string {
  const v = value.trim().toLowerCase();
  const code = { f: "F", female: "F", m: "M", male: "M", o: "O", other: "O", u: "U", unknown: "U" }[v];
  if (!code) throw new InvalidArgumentError("expected F, M, O or U (female, male, other, unknown)");
  return code;
}

export function confidentialityValue(value: string): Code {
  const code = confidentialityOf(value);
  if (!code) throw new InvalidArgumentError("expected N, R, V, L, M or U (normal, restricted, very-restricted, low, moderate, unrestricted)");
  return code;
}

export function languageValue(value: string): string {
  const v = value.trim();
  if (!isLanguageCode(v)) throw new InvalidArgumentError("expected an RFC 5646 language tag such as fr-LU, de-LU, lb or en");
  return v;
}

export function mimeTypeValue(value: string): string {
  const v = value.trim().toLowerCase();
  if (!isMimeType(v)) throw new InvalidArgumentError("expected a MIME type such as application/pdf");
  return v;
}

export function oidValue(value: string): string {
  const v = value.trim();
  if (!isOid(v)) throw new InvalidArgumentError("expected an OID such as 1.3.6.1.4.1.59999.3.1");
  return v;
}

/** A document uniqueId: an OID, optionally ^extension (ITI TF-3 4.2.3.2.26). */
export function documentUniqueIdValue(value: string): string {
  const v = value.trim();
  if (v === "" || /\s/.test(v) || v.length > 128) throw new InvalidArgumentError("expected a document uniqueId such as 2.25.1234...");
  return v;
}

export function nonEmptyText(value: string): string {
  const v = value.trim();
  if (v === "") throw new InvalidArgumentError("expected a non-empty value");
  return v;
}
