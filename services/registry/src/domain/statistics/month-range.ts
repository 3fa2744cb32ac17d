import type { MonthRange } from "../../storage/statistics.repository.js";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The instants bounding a "YYYY-MM" month in UTC; undefined for text that is not such a month. */
export function monthRange(month: string): MonthRange | undefined {
  const match = MONTH.exec(month);
  if (!match) return undefined;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { month, start: new Date(Date.UTC(year, index, 1)), end: new Date(Date.UTC(year, index + 1, 1)) };
}

/** The "YYYY-MM" month (UTC) of an instant. */
export function monthOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** Every month from `first` to `last`, both included, in order. */
export function monthsBetween(first: Date, last: Date): string[] {
  const months: string[] = [];
  const lastMonth = monthOf(last);
  for (let cursor = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1)); ; cursor = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1))) {
    const month = monthOf(cursor);
    months.push(month);
    if (month >= lastMonth) return months;
  }
}
