import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { formatContentType } from "../mime/content-type.js";
import { SoapError } from "../soap-error.js";
import { byteChunks, chunkToBuffer } from "./byte-chunks.js";
import { normalizeContentId } from "./content-id.js";

/**
 * Writes MTOM/XOP messages (SOAP 1.2 MTOM, XOP 1.0 §4, RFC 2387) the way Axis2, CXF and the NIST toolkit write
 * and expect them: every value of the package Content-Type quoted, the root first and named by `start`, CRLF line
 * ends (RFC 2046 §5.1.1), binary transfer encoding.
 */

export interface MtomAttachmentSource {
  /** With or without angle brackets. */
  readonly contentId: string;
  readonly contentType: string;
  /**
   * The bytes, a stream, or a factory called only when the part is reached (so sources open lazily). A stream not
   * reached when the message is destroyed is destroyed with it.
   */
  readonly body: Buffer | Readable | (() => Promise<Readable>);
  /**
   * The exact number of bytes a stream or factory body yields, when known (a stored document's recorded size).
   * When every part's length is known, the message knows its own length (`BuiltMtomMessage.contentLength`); a
   * source that then yields more or fewer bytes fails the message instead of sending a malformed one.
   */
  readonly size?: number;
}

export interface BuildMtomOptions {
  /** The SOAP envelope XML, UTF-8. */
  readonly root: Buffer | string;
  readonly action?: string;
  readonly attachments: readonly MtomAttachmentSource[];
  /** A fixed boundary (tests); by default "MIMEBoundary_" + random hex. */
  readonly boundary?: string;
  /** A fixed root Content-ID (tests); by default a new one. */
  readonly rootContentId?: string;
}

export interface BuiltMtomMessage {
  /** The HTTP Content-Type header value. */
  readonly contentType: string;
  readonly body: Readable;
  readonly rootContentId: string;
  /**
   * The body's length in bytes when every attachment's length is known: sent as HTTP Content-Length, the answer
   * needs no chunked transfer coding (RFC 9112 §6.3), which saves framing on both ends and lets a receiver read
   * whole socket reads instead of chunk fragments.
   */
  readonly contentLength?: number;
}

const CRLF = "\r\n";
// RFC 2046 §5.1.1 bchars (without the space, which may not end a boundary and gains nothing).
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/;

export function buildMtomMessage(options: BuildMtomOptions): BuiltMtomMessage {
  const root = typeof options.root === "string" ? Buffer.from(options.root, "utf8") : options.root;
  const rootContentId = normalizeContentId(options.rootContentId ?? newContentId());
  const boundary = options.boundary ?? pickBoundary(root, options.attachments);
  if (!BOUNDARY.test(boundary)) throw new SoapError("MTOM_MALFORMED", "invalid MIME boundary", { faultCode: "Receiver" });

  const contentType = formatContentType(
    "multipart/related",
    {
      boundary,
      type: "application/xop+xml",
      start: `<${rootContentId}>`,
      "start-info": "application/soap+xml",
      action: options.action,
    },
    { quote: "always" },
  );
  const rootHeaders = [
    `Content-Type: ${formatContentType("application/xop+xml", { charset: "UTF-8", type: "application/soap+xml" })}`,
    "Content-Transfer-Encoding: binary",
    `Content-ID: <${rootContentId}>`,
  ];
  const attachments = options.attachments.map((a) => {
    const contentId = normalizeContentId(a.contentId);
    const headers = [`Content-Type: ${headerSafe(a.contentType)}`, "Content-Transfer-Encoding: binary", `Content-ID: <${headerSafe(contentId)}>`];
    // The CRLF before "--" belongs to the delimiter, not to the previous part (RFC 2046 §5.1.1).
    const head = Buffer.from(`${CRLF}--${boundary}${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}`, "utf8");
    return { body: a.body, head, size: Buffer.isBuffer(a.body) ? a.body.length : a.size };
  });
  const start = Buffer.from(`--${boundary}${CRLF}${rootHeaders.join(CRLF)}${CRLF}${CRLF}`, "latin1");
  const end = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, "latin1");
  const contentLength = attachments.every((a) => a.size !== undefined)
    ? attachments.reduce((n, a) => n + a.head.length + (a.size ?? 0), start.length + root.length + end.length)
    : undefined;

  // The attachment stream being copied, so that destroying the message can close it at once.
  let current: Readable | undefined;

  async function* generate(): AsyncGenerator<Buffer, void, undefined> {
    yield start;
    yield root;
    for (const a of attachments) {
      yield a.head;
      if (Buffer.isBuffer(a.body)) {
        yield a.body;
        continue;
      }
      const stream = typeof a.body === "function" ? await a.body() : a.body;
      current = stream;
      // One chunk at a time, so the consumer's pace reaches the source; an error of the source ends this
      // generator with it, and pullStream destroys the message stream with that error.
      const chunks = byteChunks(stream);
      let copied = 0;
      for (;;) {
        const r = await chunks.next();
        if (r.done === true) break;
        const chunk = typeof r.value === "string" ? Buffer.from(r.value, "utf8") : chunkToBuffer(r.value);
        copied += chunk.length;
        if (a.size !== undefined && copied > a.size) throw wrongSize(a.size, "more");
        yield chunk;
      }
      if (a.size !== undefined && copied < a.size) throw wrongSize(a.size, "fewer");
      current = undefined;
    }
    yield end;
  }

  // Destroying the message closes the source being copied and every opened source it has not reached yet.
  const body = pullStream(generate(), () => {
    current?.destroy();
    for (const a of attachments) if (a.body instanceof Readable) a.body.destroy();
  });
  return contentLength === undefined ? { contentType, body, rootContentId } : { contentType, body, rootContentId, contentLength };
}

/** A declared part length that the source does not keep: the message would be malformed, so it fails instead. */
function wrongSize(size: number, more: "more" | "fewer"): SoapError {
  return new SoapError("MTOM_MALFORMED", `an attachment source yielded ${more} bytes than its declared ${size}`, { faultCode: "Receiver" });
}

/**
 * A Readable that pulls one chunk from the generator per _read. Unlike Readable.from it never queues a second
 * chunk behind a full one, so a consumer calling read() gets each chunk as is instead of a concatenated copy.
 * An error of the generator (an attachment source failed) destroys the stream with that error; destroying the
 * stream closes the attachment source being read.
 */
function pullStream(chunks: AsyncGenerator<Buffer, void, undefined>, onDestroy: () => void): Readable {
  let pulling = false;
  return new Readable({
    read() {
      if (pulling) return;
      pulling = true;
      chunks.next().then(
        (r) => {
          pulling = false;
          if (r.done === true) this.push(null);
          else if (r.value.length === 0) this._read(0);
          else this.push(r.value);
        },
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    },
    destroy(err, callback) {
      // The generator may be waiting on a stalled source, so its return() could wait forever: close the source
      // directly and let the generator finish on its own.
      onDestroy();
      chunks.return(undefined).catch(noop);
      callback(err);
    },
  });
}

/** A new globally unique Content-ID (RFC 2392 addr-spec form), without angle brackets. */
export function newContentId(domain = "opendsp"): string {
  return `${randomUUID()}@${domain}`;
}

/**
 * The `href` of an xop:Include for a Content-ID (XOP 1.0 §4.3, RFC 2392 §2): "cid:" and the id with the characters
 * not allowed in a URL percent-encoded. ":" and "@" are allowed in a URL path (RFC 3986 §3.3, pchar) and kept, as
 * Axis2 and CXF write them, because some receivers compare hrefs without decoding.
 */
export function xopHref(contentId: string): string {
  return `cid:${encodeURIComponent(normalizeContentId(contentId)).replace(/%3A/gi, ":").replace(/%40/gi, "@")}`;
}

/** A random boundary that does not occur in the parts already in memory (RFC 2046 §5.1.1 requires that). */
function pickBoundary(root: Buffer, attachments: readonly MtomAttachmentSource[]): string {
  for (;;) {
    const boundary = `MIMEBoundary_${randomBytes(24).toString("hex")}`;
    const needle = Buffer.from(`--${boundary}`, "latin1");
    const clash = root.includes(needle) || attachments.some((a) => Buffer.isBuffer(a.body) && a.body.includes(needle));
    if (!clash) return boundary;
  }
}

/** Header values come from callers; a line break in them would inject header lines. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]+/g, " ");
}

function noop(): void {}
