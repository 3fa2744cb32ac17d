/** A CSV cell: text, or a finite number written as JavaScript prints it. */
export type CsvValue = string | number;

/** RFC 4180 2.6: a field holding a comma, a double quote or a line break is enclosed in double quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Text that a spreadsheet would read as a formula (OWASP "CSV Injection"): = + - @, and tab or carriage return,
 * which some spreadsheets skip before looking for one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field. Text starting like a formula gets a leading apostrophe so a spreadsheet shows it as text; then
 * RFC 4180 2.7 quoting (a double quote inside a quoted field is doubled). Numbers are written as they are: a number
 * cannot carry a formula. A non-finite number is refused rather than written as "NaN".
 */
export function csvField(value: CsvValue): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`a CSV number must be finite, got ${String(value)}`);
    return String(value);
  }
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV document (RFC 4180, text/csv): the header line, then one line per row, every line ended by CRLF (RFC 4180
 * 2.1). Each row must have as many fields as the header (RFC 4180 2.4).
 */
export function csvTable(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header, ...rows].map((fields, index) => {
    if (fields.length !== header.length) {
      throw new RangeError(`CSV row ${index} has ${fields.length} fields, the header ${header.length}`);
    }
    return fields.map(csvField).join(",");
  });
  return lines.map((line) => `${line}\r\n`).join("");
}
