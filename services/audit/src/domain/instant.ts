import { AuditError } from "./audit-error.js";

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant of an ISO 8601 date-time with an offset (RFC 3339 section 5.6), checked part by part: JavaScript's
 * Date reads 2026-02-30 as 2 March, and a filter on a day that does not exist must be refused, not moved.
 */
export function instantOf(text: string, name: string): Date {
  const match = DATE_TIME.exec(text);
  const invalid = (): AuditError => new AuditError("AUDIT_INVALID_REQUEST", `${name} is not a valid date-time with an offset`);
  if (match === null) throw invalid();
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const daysInMonth = new Date(Date.UTC(y ?? 0, mo ?? 0, 0)).getUTCDate();
  if ((mo ?? 0) < 1 || (mo ?? 0) > 12 || (d ?? 0) < 1 || (d ?? 0) > daysInMonth || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) throw invalid();
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) throw invalid();
  return instant;
}
