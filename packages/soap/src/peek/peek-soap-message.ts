import { parseContentType } from "../mime/content-type.js";
import { SoapError } from "../soap-error.js";
import { locateMtomRoot } from "./mtom-root.locator.js";
import { scanSoapHeader, type HeaderScan, type PeekedAddressing } from "./soap-header.scanner.js";

/**
 * Reads the WS-Addressing headers of a SOAP request from the start of its HTTP body, then hands the body back whole
 * (the bytes read, then the rest of the source as it arrives), so an intermediary can route on wsa:Action
 * (ITI TF-2x V.3.2) and forward the message untouched without holding it in memory: an MTOM upload of hundreds of
 * MB streams through with only the first bytes buffered.
 */

export interface PeekOptions {
  /** Most bytes read while looking for the end of env:Header (default 64 KiB). */
  readonly maxPrefixBytes?: number;
  /** The body's length when the sender declared it (HTTP Content-Length): reading that much means it is whole. */
  readonly contentLength?: number;
}

export type PeekedSoapMessage =
  | {
      readonly ok: true;
      /** "mtom": multipart/related (XOP package); "simple": the envelope alone. */
      readonly format: "simple" | "mtom";
      readonly addressing: PeekedAddressing;
      /**
       * The envelope from its first byte to the end of env:Header (the root part's, for MTOM), without the body:
       * what the WS-Security header (an XUA assertion, ITI TF-2b 3.40) is read from. It shares memory with the
       * buffered prefix; copy it to keep it longer than the request.
       */
      readonly headerBytes: Buffer;
      /** The whole body, unchanged: the bytes already read, then the rest as it arrives. Iterate it once. */
      readonly body: AsyncIterable<Buffer>;
      /** The whole body as one buffer when it ended while the header was looked for (a small message). */
      readonly whole?: Buffer;
    }
  | {
      readonly ok: false;
      /** Why the message cannot be routed; it maps to a SOAP Fault (code, subcode, reason meant for the sender). */
      readonly error: SoapError;
      /** What is left of the body, to discard. Iterate it once. */
      readonly body: AsyncIterable<Buffer>;
    };

export const DEFAULT_PEEK_PREFIX_BYTES = 64 * 1024;

const SIMPLE_TYPES = new Set(["application/soap+xml", "text/xml"]);

/**
 * The incremental form of the peek, for a caller that reads the body itself (an HTTP server's 'data' events): it is
 * given each chunk as it arrives and says when the WS-Addressing headers are known. No promise or iterator per
 * chunk, which matters on an intermediary's hot path.
 */
export interface SoapPeek {
  readonly format: "simple" | "mtom";
  /** Takes the next chunk of the body. Throws a SoapError for a message that cannot be routed. */
  push(chunk: Buffer): PeekScan;
  /** The body has ended: the header is known now, or the message cannot be routed (throws a SoapError). */
  end(): PeekScan;
  /** Every byte given so far, as one buffer. */
  bytes(): Buffer;
}

/** A scan of the envelope's start, with the bytes of the whole env:Header once it has ended (see `headerBytes`). */
export type PeekScan = { readonly kind: "more" } | (Extract<HeaderScan, { kind: "done" }> & { readonly headerBytes: Buffer });

/** Throws a SoapError when the Content-Type is not one of a SOAP 1.2 request (plain or MTOM). */
export function createSoapPeek(contentTypeHeader: string | undefined, maxPrefixBytes: number = DEFAULT_PEEK_PREFIX_BYTES): SoapPeek {
  const scan = headerScanner(contentTypeHeader);
  const chunks: Buffer[] = [];
  let read = 0;
  const bytes = (): Buffer => {
    if (chunks.length !== 1) chunks.splice(0, chunks.length, Buffer.concat(chunks));
    return chunks[0] as Buffer;
  };
  const scanned = (ended: boolean): PeekScan => {
    const prefix = bytes();
    // Only the first maxPrefixBytes are scanned, however large the chunk that brought them.
    const result = scan(prefix.subarray(0, maxPrefixBytes), ended && prefix.length <= maxPrefixBytes);
    if (result.kind === "more" && read >= maxPrefixBytes) {
      throw new SoapError(
        "SOAP_ADDRESSING",
        `The SOAP header (wsa:Action) was not found within the first ${maxPrefixBytes} bytes of the message; it must come before the body`,
      );
    }
    return result;
  };
  return {
    format: scan.format,
    push(chunk) {
      chunks.push(chunk);
      read += chunk.length;
      if (read < maxPrefixBytes && chunks.length > 1 && !mayHoldHeader(chunks)) return MORE;
      return scanned(false);
    },
    end: () => scanned(true),
    bytes,
  };
}

const MORE: PeekScan = { kind: "more" };

/** Never throws for a bad message: the error comes back with the body, which the caller then discards. */
export async function peekSoapMessage(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  contentTypeHeader: string | undefined,
  options: PeekOptions = {},
): Promise<PeekedSoapMessage> {
  const iterator = source[Symbol.asyncIterator]();
  let peek: SoapPeek | undefined;
  let ended = false;
  const body = forwardBody(() => peek?.bytes(), iterator, () => ended);

  try {
    peek = createSoapPeek(contentTypeHeader, options.maxPrefixBytes ?? DEFAULT_PEEK_PREFIX_BYTES);
    for (;;) {
      const next = await iterator.next();
      if (next.done) ended = true;
      const chunk = next.done ? undefined : typeof next.value === "string" ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      const result = chunk === undefined ? peek.end() : peek.push(chunk);
      if (result.kind === "done") {
        const prefix = peek.bytes();
        const whole = ended || (options.contentLength !== undefined && prefix.length === options.contentLength);
        return { ok: true, format: peek.format, addressing: result.addressing, headerBytes: result.headerBytes, body, ...(whole ? { whole: prefix } : {}) };
      }
    }
  } catch (err) {
    const error = err instanceof SoapError ? err : new SoapError("SOAP_BODY", "The request body could not be read", { faultCode: "Sender", cause: err });
    return { ok: false, error, body };
  }
}

/** The scan of the envelope's start for this Content-Type: plain SOAP, or the root part of an MTOM package. */
function headerScanner(contentTypeHeader: string | undefined): ((prefix: Buffer, complete: boolean) => PeekScan) & { format: "simple" | "mtom" } {
  if (contentTypeHeader === undefined || contentTypeHeader.trim() === "") {
    throw new SoapError("SOAP_CONTENT_TYPE", "the request has no Content-Type");
  }
  const contentType = parseContentType(contentTypeHeader);
  if (SIMPLE_TYPES.has(contentType.mediaType)) {
    return Object.assign((prefix: Buffer, complete: boolean) => withHeaderBytes(prefix, scanSoapHeader(prefix, complete)), { format: "simple" as const });
  }
  if (contentType.mediaType === "multipart/related") {
    // SOAP 1.2 MTOM §3.2 / XOP 1.0 §4.1: type="application/xop+xml"; some clients leave it out.
    const type = contentType.params["type"];
    if (type !== undefined && type.trim().toLowerCase() !== "application/xop+xml") {
      throw new SoapError("SOAP_CONTENT_TYPE", `multipart/related of type ${JSON.stringify(type)} is not MTOM/XOP`);
    }
    const boundary = contentType.params["boundary"];
    if (!boundary) throw new SoapError("MTOM_MALFORMED", "multipart/related without a boundary parameter");
    const start = contentType.params["start"];
    return Object.assign(
      (prefix: Buffer, complete: boolean): PeekScan => {
        const root = locateMtomRoot(prefix, boundary, start, complete);
        return root.kind === "more" ? root : withHeaderBytes(root.content, scanSoapHeader(root.content, complete || root.complete));
      },
      { format: "mtom" as const },
    );
  }
  throw new SoapError("SOAP_CONTENT_TYPE", `unsupported Content-Type ${JSON.stringify(contentType.mediaType)} for a SOAP request`);
}

/**
 * The scan stops at the end of env:Header, never right after wsa:Action, so the bytes up to `headerEnd` hold every
 * header block, the WS-Security one included (SOAP 1.2 Part 1 §5.2: all header blocks are children of env:Header).
 */
function withHeaderBytes(envelope: Buffer, scan: HeaderScan): PeekScan {
  return scan.kind === "more" ? scan : { ...scan, headerBytes: envelope.subarray(0, scan.headerEnd) };
}

/** Scanning again is worth it only when the newest chunk could end a tag (a ">"), which env:Header's end needs. */
function mayHoldHeader(chunks: readonly Buffer[]): boolean {
  return (chunks.at(-1)?.indexOf(0x3e) ?? -1) !== -1;
}

/**
 * The buffered bytes, then the rest of the source. A consumer that stops early leaves the rest of the source unread
 * and the source open: for an HTTP request, destroying it would destroy the socket the answer must still go out on,
 * so the caller answers and closes the connection instead.
 */
async function* forwardBody(
  buffered: () => Buffer | undefined,
  iterator: AsyncIterator<Buffer | Uint8Array | string>,
  ended: () => boolean,
): AsyncGenerator<Buffer> {
  const prefix = buffered();
  if (prefix !== undefined && prefix.length > 0) yield prefix;
  if (ended()) return;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield typeof next.value === "string" ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
  }
}
