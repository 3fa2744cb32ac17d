/**
 * Byte-level delimiter matching of multipart bodies (RFC 2046 §5.1.1): what follows a boundary, and how much of
 * a chunk's tail could still be the start of a delimiter split across chunks.
 */

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SP = 0x20;
const HT = 0x09;

export type AfterBoundary =
  | { readonly kind: "more" }
  | { readonly kind: "not" }
  | { readonly kind: "next"; readonly end: number; readonly crlf: boolean }
  | { readonly kind: "close"; readonly end: number };

/** What follows "--boundary" at `p`: transport padding (blanks), then a line break, or "--" for the last one. */
export function classifyAfterBoundary(buf: Buffer, p: number): AfterBoundary {
  if (p >= buf.length) return { kind: "more" };
  if (buf[p] === DASH) {
    if (p + 1 >= buf.length) return { kind: "more" };
    return buf[p + 1] === DASH ? { kind: "close", end: p + 2 } : { kind: "not" };
  }
  let q = p;
  while (q < buf.length && (buf[q] === SP || buf[q] === HT)) q++;
  if (q >= buf.length) return { kind: "more" };
  if (buf[q] === LF) return { kind: "next", end: q + 1, crlf: false };
  if (buf[q] === CR) {
    if (q + 1 >= buf.length) return { kind: "more" };
    if (buf[q + 1] === LF) return { kind: "next", end: q + 2, crlf: true };
  }
  return { kind: "not" };
}

/** Start of the shortest suffix of `buf` that is a proper prefix of `d` (buf.length when there is none). */
export function partialMatchStart(buf: Buffer, d: Buffer): number {
  const first = d[0];
  if (first === undefined) return buf.length;
  let j = buf.indexOf(first, Math.max(0, buf.length - d.length + 1));
  while (j !== -1) {
    if (buf.subarray(j).equals(d.subarray(0, buf.length - j))) return j;
    j = buf.indexOf(first, j + 1);
  }
  return buf.length;
}
