/** Now as an HL7 DTM in UTC to the second (YYYYMMDDhhmmss), the form XDS time attributes take. */
export function dtmNow(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
