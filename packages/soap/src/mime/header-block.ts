import { SoapError } from "../soap-error.js";

/**
 * The header block of a MIME body part (RFC 2046 §5.1.1: header fields, then an empty line). Line ends may be
 * CRLF or a bare LF, and lines may carry trailing blanks: Axis2 captures stored with LF line ends have both.
 */

const LF = 0x0a;

/**
 * Finds the empty line that ends a header block starting at `buf[0]`. Returns the length of the header fields
 * (`fieldsEnd`) and the index of the first body byte (`bodyStart`), or undefined when the empty line has not
 * arrived yet. A line holding only blanks counts as empty (lenient: trailing blanks on every line).
 */
export function findHeaderBlockEnd(buf: Buffer, from = 0): { fieldsEnd: number; bodyStart: number } | undefined {
  let lineStart = from;
  for (;;) {
    const lf = buf.indexOf(LF, lineStart);
    if (lf === -1) return undefined;
    if (isBlankRange(buf, lineStart, lf)) return { fieldsEnd: lineStart, bodyStart: lf + 1 };
    lineStart = lf + 1;
  }
}

/** Index where scanning may resume after `findHeaderBlockEnd` failed: the start of the unfinished last line. */
export function lastLineStart(buf: Buffer): number {
  return buf.lastIndexOf(LF) + 1;
}

/**
 * Parses header fields (RFC 5322 §2.2: `name: value`, folded lines start with a blank, §2.2.3). Names are
 * lowercased; the first occurrence of a repeated field wins. A line with no colon is MTOM_MALFORMED.
 */
export function parseHeaderFields(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = block.toString("utf8").split("\n");
  let current: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (current && !Object.hasOwn(headers, current.name)) headers[current.name] = current.value.trim();
    current = undefined;
  };
  for (const raw of lines) {
    const line = raw.replace(/[\r \t]+$/, "");
    if (line === "") continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!current) throw new SoapError("MTOM_MALFORMED", "MIME part header starts with a continuation line");
      current.value += " " + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(":");
    const name = colon === -1 ? "" : line.slice(0, colon).trim().toLowerCase();
    if (name === "" || /\s/.test(name)) {
      throw new SoapError("MTOM_MALFORMED", `malformed MIME part header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    current = { name, value: line.slice(colon + 1) };
  }
  flush();
  return headers;
}

function isBlankRange(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x0d && c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}
