import { AuditError } from "./audit-error.js";

/** A half-open time range [from, to) built from FHIR date search parameters. */
export interface DateRange {
  readonly from?: Date;
  readonly to?: Date;
}

// FHIR R4 3.1.1.4.1 (date): YYYY, YYYY-MM, YYYY-MM-DD or a dateTime; the value stands for the whole period it names.
const DATE_PARAM = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Whether each part of the value is in its range (Date.UTC would roll month 13 over into the next year). */
function partsInRange(match: RegExpExecArray): boolean {
  const [, , y, mo, d, h, mi, s] = match;
  const month = Number(mo ?? "1");
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 &&
    Number(d ?? "1") >= 1 && Number(d ?? "1") <= daysInMonth &&
    Number(h ?? "0") <= 23 && Number(mi ?? "0") <= 59 && Number(s ?? "0") <= 59
  );
}

/** The period one date value names: its start and the start of the next period of the same precision. */
function periodOf(match: RegExpExecArray): { start: Date; end: Date } {
  const [, , y, mo, d, h, mi, s, frac, zone] = match;
  const year = Number(y);
  if (mo === undefined) return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1) };
  const month = Number(mo) - 1;
  if (d === undefined) return { start: utc(year, month, 1), end: utc(year, month + 1, 1) };
  const day = Number(d);
  if (h === undefined) return { start: utc(year, month, day), end: utc(year, month, day + 1) };
  // A dateTime without a zone is read as UTC (R4 3.1.1.4.1 leaves it to the server).
  const text = `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${frac ?? ""}${zone ?? "Z"}`;
  const start = new Date(text);
  const stepMs = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return { start, end: new Date(start.getTime() + stepMs) };
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

/** The intersection of every `date` parameter of a search; a prefix this server does not support is refused. */
export function dateRangeOf(values: readonly string[]): DateRange {
  let from: Date | undefined;
  let to: Date | undefined;
  const later = (a: Date | undefined, b: Date): Date => (a === undefined || b > a ? b : a);
  const earlier = (a: Date | undefined, b: Date): Date => (a === undefined || b < a ? b : a);
  for (const value of values) {
    const match = DATE_PARAM.exec(value);
    if (match === null) throw new AuditError("AUDIT_INVALID_REQUEST", "date must be [prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][zone]]]]");
    if (!partsInRange(match)) throw new AuditError("AUDIT_INVALID_REQUEST", "date is not a valid date");
    const { start, end } = periodOf(match);
    if (Number.isNaN(start.getTime())) throw new AuditError("AUDIT_INVALID_REQUEST", "date is not a valid date");
    switch (match[1] ?? "eq") {
      case "eq":
        from = later(from, start);
        to = earlier(to, end);
        break;
      case "ge":
        from = later(from, start);
        break;
      case "gt":
        from = later(from, end);
        break;
      case "le":
        to = earlier(to, end);
        break;
      case "lt":
        to = earlier(to, start);
        break;
      default:
        throw new AuditError("AUDIT_INVALID_REQUEST", `date prefix ${match[1] ?? ""} is not supported here (eq, ge, gt, le, lt)`);
    }
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
