/**
 * A sortable key for an HL7 DTM value of any precision (YYYY to YYYYMMDDhhmmss, ITI TF-3 Table 4.2.3.1.7-2):
 * the digits padded with zeros to 14, so "2026" sorts as 2026-01-01 00:00:00. Fractions and time zones,
 * which XDS metadata does not use, are cut off. The value as received is kept elsewhere.
 */
export function dtmKey(dtm: string | undefined): string | null {
  if (dtm === undefined) return null;
  const digits = /^\d+/.exec(dtm.trim())?.[0];
  if (!digits || digits.length < 4) return null;
  const d = digits.slice(0, 14);
  // Missing month and day count as 01, missing time as 00 (the start of the period).
  const padded = d.length <= 4 ? `${d}0101` : d.length <= 6 ? `${d.padEnd(6, "0")}01` : d;
  return padded.padEnd(14, "0");
}
