import { Readable } from "node:stream";
import { parseContentType, type ContentType } from "../mime/content-type.js";
import { SoapError } from "../soap-error.js";
import { contentIdsEqual, normalizeContentId } from "./content-id.js";
import { resolveLimits, type MessageLimits } from "./limits.js";
import { readAll } from "./read-all.js";
import { parseMultipart, type ByteSource, type MultipartParserOptions, type MultipartPart } from "./multipart-parser.js";
import { decodeTransferEncoding } from "./transfer-encoding.js";

/** The root part of an XOP package (XOP 1.0 §4.1: the part holding the optimized XML, here the SOAP envelope). */
export interface MtomRoot {
  readonly contentId?: string;
  /** The root part's Content-Type header value as sent (normally application/xop+xml; type=...). */
  readonly contentType?: string;
  readonly charset?: string;
  readonly bytes: Buffer;
}

/** An extension part of an XOP package (XOP 1.0 §4.1), referenced by `xop:Include href="cid:..."`. */
export interface MtomAttachment {
  /** Content-ID without angle brackets (XOP 1.0 §4.1 requires one on every extension part). */
  readonly contentId: string;
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded bytes; read it to its end (or destroy it) before asking for the next attachment. */
  readonly body: Readable;
}

export interface MtomMessage {
  readonly contentType: ContentType;
  /** The SOAP 1.2 action (RFC 3902 `action` parameter), from the package or the root part. */
  readonly action?: string;
  readonly root: MtomRoot;
  /**
   * The other parts: first those that came before the root (already buffered), then the rest streamed from the
   * source, read only while this is iterated. Leaving a for-await loop early does not end it: a later loop, or
   * `drain()`, carries on from where it stopped.
   */
  readonly attachments: AsyncIterable<MtomAttachment>;
  /** Reads and discards whatever is left of the message, so the source (an HTTP request) is fully consumed. */
  drain(): Promise<void>;
}

/**
 * Reads an MTOM/XOP message (a multipart/related package, RFC 2387) up to and including its root part.
 * The root is the part named by the `start` parameter, or the first part when there is none (RFC 2387 §3.2).
 */
export async function readMtomMessage(
  source: ByteSource,
  contentTypeHeader: string | ContentType,
  limits: Partial<MessageLimits> = {},
  options: MultipartParserOptions = {},
): Promise<MtomMessage> {
  const contentType = typeof contentTypeHeader === "string" ? parseContentType(contentTypeHeader) : contentTypeHeader;
  if (contentType.mediaType !== "multipart/related") {
    throw new SoapError("SOAP_CONTENT_TYPE", `expected multipart/related, got ${JSON.stringify(contentType.mediaType)}`);
  }
  const boundary = contentType.params["boundary"];
  if (boundary === undefined || boundary === "") {
    throw new SoapError("MTOM_MALFORMED", "multipart/related Content-Type without a boundary parameter");
  }
  const startParam = contentType.params["start"];
  const start = startParam === undefined || normalizeContentId(startParam) === "" ? undefined : startParam;
  const resolved = resolveLimits(limits);
  const parts = parseMultipart(source, boundary, resolved, options);

  const before: BufferedPart[] = [];
  let bufferedBytes = 0;
  let root: MtomRoot;
  try {
    for (;;) {
      const r = await parts.next();
      if (r.done === true) {
        throw new SoapError(
          "MTOM_NO_ROOT",
          start === undefined ? "the multipart body has no part" : `no MIME part has the Content-ID ${start} named by start`,
        );
      }
      const part = r.value;
      const body = decodeTransferEncoding(part.body, part.headers["content-transfer-encoding"]);
      if (start === undefined || contentIdsEqual(part.contentId, start)) {
        root = rootOf(part, await readAll(body, resolved.maxRootBytes, "root part", (e) => body.destroy(e)));
        break;
      }
      const bytes = await readAll(body, resolved.maxBufferedBeforeRootBytes - bufferedBytes, "parts before the root", (e) =>
        body.destroy(e),
      );
      bufferedBytes += bytes.length;
      before.push({ part, bytes });
    }
  } catch (err) {
    await parts.return();
    throw err;
  }

  const cursor = new AttachmentCursor(before, parts);
  const action = actionOf(contentType, root.contentType);
  return {
    contentType,
    ...(action !== undefined && { action }),
    root,
    attachments: cursor,
    drain: () => cursor.drain(),
  };
}

interface BufferedPart {
  readonly part: MultipartPart;
  readonly bytes: Buffer;
}

/** Hands out attachments one at a time; calls are serialized so that drain() and a loop cannot interleave. */
class AttachmentCursor implements AsyncIterable<MtomAttachment> {
  private readonly queue: BufferedPart[];
  private readonly parts: AsyncGenerator<MultipartPart, void, undefined>;
  private finished = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(queue: BufferedPart[], parts: AsyncGenerator<MultipartPart, void, undefined>) {
    this.queue = queue;
    this.parts = parts;
  }

  [Symbol.asyncIterator](): AsyncIterator<MtomAttachment> {
    return {
      next: () => this.next(),
      // Leaving a loop early must not end the message: drain() or another loop may continue it.
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  next(): Promise<IteratorResult<MtomAttachment, undefined>> {
    const result = this.tail.then(() => this.advance());
    this.tail = result.catch(noop);
    return result;
  }

  async drain(): Promise<void> {
    // Asking for the next part makes the parser skip the unread rest of the current one.
    for (;;) {
      const r = await this.next();
      if (r.done === true) return;
      r.value.body.destroy();
    }
  }

  private async advance(): Promise<IteratorResult<MtomAttachment, undefined>> {
    const buffered = this.queue.shift();
    if (buffered) {
      return { done: false, value: attachmentOf(buffered.part, Readable.from([buffered.bytes], { objectMode: false })) };
    }
    if (this.finished) return { done: true, value: undefined };
    try {
      const r = await this.parts.next();
      if (r.done === true) {
        this.finished = true;
        return { done: true, value: undefined };
      }
      const part = r.value;
      return { done: false, value: attachmentOf(part, decodeTransferEncoding(part.body, part.headers["content-transfer-encoding"])) };
    } catch (err) {
      this.finished = true;
      await this.parts.return();
      throw err;
    }
  }
}

function attachmentOf(part: MultipartPart, body: Readable): MtomAttachment {
  if (part.contentId === undefined || part.contentId === "") {
    body.destroy();
    // XOP 1.0 §4.1: each extension part must have a Content-ID, or no xop:Include could refer to it.
    throw new SoapError("MTOM_MALFORMED", "a MIME part other than the root has no Content-ID");
  }
  return {
    contentId: part.contentId,
    ...(part.contentType !== undefined && { contentType: part.contentType }),
    headers: part.headers,
    body,
  };
}

function rootOf(part: MultipartPart, bytes: Buffer): MtomRoot {
  const charset = part.contentType === undefined ? undefined : parseContentType(part.contentType).params["charset"];
  return {
    ...(part.contentId !== undefined && { contentId: part.contentId }),
    ...(part.contentType !== undefined && { contentType: part.contentType }),
    ...(charset !== undefined && { charset }),
    bytes,
  };
}

/**
 * The SOAP 1.2 action (RFC 3902). Axis2 and CXF put it on the package Content-Type; WCF puts it inside
 * `start-info` or inside the root part's `type` parameter (XOP 1.0 §4.1.2: the root's type is the original
 * media type, parameters included).
 */
function actionOf(contentType: ContentType, rootContentType: string | undefined): string | undefined {
  const candidates: (string | undefined)[] = [contentType.params["action"], nestedAction(contentType.params["start-info"])];
  if (rootContentType !== undefined) {
    const rootType = parseContentType(rootContentType);
    candidates.push(rootType.params["action"], nestedAction(rootType.params["type"]));
  }
  return candidates.find((a) => a !== undefined && a !== "");
}

function nestedAction(value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseContentType(value).params["action"];
}

function noop(): void {}
