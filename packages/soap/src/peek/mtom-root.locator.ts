import { findHeaderBlockEnd, parseHeaderFields } from "../mime/header-block.js";
import { classifyAfterBoundary } from "../mtom/multipart-delimiter.js";
import { contentIdsEqual } from "../mtom/content-id.js";
import { SoapError } from "../soap-error.js";

/**
 * Finds the root part (the SOAP envelope) at the start of an MTOM/XOP multipart/related body (XOP 1.0 §4.1,
 * RFC 2387 §3.2: the part named by `start`, or the first part without it), reading only the bytes given. The
 * envelope may be cut anywhere: routing needs its first bytes only.
 */

export type RootLocation =
  | { readonly kind: "more" }
  | {
      readonly kind: "root";
      /** The root part's bytes so far (all of them when `complete`). */
      readonly content: Buffer;
      /** True when the part's closing delimiter has been seen. */
      readonly complete: boolean;
    };

const LF = 0x0a;
const CR = 0x0d;
const MAX_PART_HEADER_BYTES = 16 * 1024;

export function locateMtomRoot(buf: Buffer, boundary: string, start: string | undefined, complete: boolean): RootLocation {
  const dash = Buffer.from(`--${boundary}`, "latin1");
  const more = (): RootLocation => {
    if (complete) throw new SoapError("MTOM_TRUNCATED", "The MTOM message ends before its root part (the SOAP envelope)");
    return { kind: "more" };
  };

  // RFC 2046 §5.1.1: the first delimiter may open the body, or follow a preamble and a line break.
  let next = nextDelimiter(buf, dash, 0, true);
  if (next === undefined) return more();
  let first = true;
  for (;;) {
    const after = classifyAfterBoundary(buf, next + dash.length);
    if (after.kind === "more") return more();
    if (after.kind === "close") throw new SoapError("MTOM_NO_ROOT", "The MTOM message has no part named by its start parameter");
    if (after.kind === "not") {
      next = nextDelimiter(buf, dash, next + 1, false);
      if (next === undefined) return more();
      continue;
    }
    const headerStart = after.end;
    const block = findHeaderBlockEnd(buf, headerStart);
    if (!block) {
      if (buf.length - headerStart > MAX_PART_HEADER_BYTES) throw new SoapError("MTOM_LIMIT", "An MTOM part header is longer than 16 KiB");
      return more();
    }
    const headers = parseHeaderFields(buf.subarray(headerStart, block.fieldsEnd));
    const isRoot = start === undefined ? first : contentIdsEqual(start, headers["content-id"]);
    const end = nextDelimiter(buf, dash, block.bodyStart, false);
    if (isRoot) {
      const encoding = (headers["content-transfer-encoding"] ?? "binary").trim().toLowerCase();
      if (!["binary", "8bit", "7bit"].includes(encoding)) {
        // XOP 1.0 §4.1 packages the envelope as binary; an encoded root cannot be routed from its first bytes.
        throw new SoapError("MTOM_MALFORMED", `The MTOM root part has Content-Transfer-Encoding ${encoding}; send it as binary`);
      }
      const contentEnd = end === undefined ? buf.length : lineBreakStart(buf, end);
      return { kind: "root", content: buf.subarray(block.bodyStart, contentEnd), complete: end !== undefined };
    }
    if (end === undefined) return more();
    next = end;
    first = false;
  }
}

/**
 * Index of the next "--boundary" at the start of a line, searching from `from`; at index 0 too when `atStart`
 * (the first delimiter needs no line break before it).
 */
function nextDelimiter(buf: Buffer, dash: Buffer, from: number, atStart: boolean): number | undefined {
  for (let p = buf.indexOf(dash, from); p !== -1; p = buf.indexOf(dash, p + 1)) {
    if ((p === 0 && atStart) || (p > 0 && buf[p - 1] === LF)) return p;
  }
  return undefined;
}

/** Start of the line break (CRLF or a lenient LF) that belongs to the delimiter at `delimiter`. */
function lineBreakStart(buf: Buffer, delimiter: number): number {
  return delimiter >= 2 && buf[delimiter - 2] === CR ? delimiter - 2 : delimiter - 1;
}
