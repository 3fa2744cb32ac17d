/**
 * HL7 DTM values as XDS metadata uses them (ITI TF-3 Table 4.2.3.1.7-2): YYYY[MM[DD[hh[mm[ss]]]]], in UTC.
 */

/** A moment as a DTM to the second, UTC. */
export function dtmOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

export interface DtmInput {
  /** The value as a DTM of the precision given. */
  readonly dtm: string;
  /** The first moment after the period the value names (a day given: the next day), as a DTM of the same precision. */
  readonly nextPeriod: string;
}

const DATE_FORMS = [
  // 2024, 2024-03, 2024-03-15, 2024-03-15T10:20, 2024-03-15T10:20:30 (a space for T too), optionally with Z.
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?)?)?)?$/,
  // The DTM itself: 2024, 202403, 20240315, 2024031510, 202403151020, 20240315102030.
  /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?$/,
];

/** Reads a --from / --to date: ISO 8601 (2024-03-15, 2024-03-15T10:20) or DTM (20240315), read as UTC. */
export function parseDateInput(input: string): DtmInput | undefined {
  const text = input.trim();
  for (const form of DATE_FORMS) {
    const m = form.exec(text);
    if (!m) continue;
    const parts = m.slice(1).filter((p): p is string => p !== undefined);
    // Each given part must lie within its range, so 2024-02-30 or 25:00 are refused rather than rolled over.
    const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = parts.map(Number) as [number, ...number[]];
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const valid =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day &&
      date.getUTCHours() === hour &&
      date.getUTCMinutes() === minute &&
      date.getUTCSeconds() === second;
    if (!valid) return undefined;
    const next = new Date(date);
    switch (parts.length) {
      case 1:
        next.setUTCFullYear(year + 1);
        break;
      case 2:
        next.setUTCMonth(month);
        break;
      case 3:
        next.setUTCDate(day + 1);
        break;
      case 4:
        next.setUTCHours(hour + 1);
        break;
      case 5:
        next.setUTCMinutes(minute + 1);
        break;
      default:
        next.setUTCSeconds(second + 1);
    }
    const width = [4, 6, 8, 10, 12, 14][parts.length - 1] ?? 14;
    return { dtm: dtmOf(date).slice(0, width), nextPeriod: dtmOf(next).slice(0, width) };
  }
  return undefined;
}

/** A DTM shown to people: 20240315102030 -> 2024-03-15 10:20:30 (the precision it has). */
export function formatDtm(dtm: string | undefined): string {
  if (dtm === undefined) return "";
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?/.exec(dtm.trim());
  if (!m) return dtm;
  const [, y, mo, d, h, mi, s] = m;
  let out = y ?? "";
  if (mo) out += `-${mo}`;
  if (d) out += `-${d}`;
  if (h) out += ` ${h}:${mi ?? "00"}`;
  if (s) out += `:${s}`;
  return out;
}
