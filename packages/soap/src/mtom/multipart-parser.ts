import { Readable } from "node:stream";
import { findHeaderBlockEnd, lastLineStart, parseHeaderFields } from "../mime/header-block.js";
import { SoapError } from "../soap-error.js";
import { byteChunks, chunkToBuffer } from "./byte-chunks.js";
import { classifyAfterBoundary, partialMatchStart } from "./multipart-delimiter.js";
import { normalizeContentId } from "./content-id.js";
import { resolveLimits, type MessageLimits } from "./limits.js";

/**
 * A streaming multipart parser (RFC 2046 §5.1.1, used by multipart/related, RFC 2387, and so by MTOM/XOP).
 *
 * Parts come out one at a time from an async generator. Each part's body is a Readable fed straight from the
 * source: the parser reads the source only when that body asks for data (`_read`), so a body that is not being
 * read stops the source (backpressure) and at most one source chunk plus a delimiter-sized tail is held here.
 * As with busboy, consume each body (or `resume()` it) before asking for the next part; asking for the next part
 * abandons the rest of the current body (it is destroyed and its remaining bytes skipped), so nothing can hang.
 *
 * Delimiters are searched in bytes (Buffer.indexOf), never in decoded text, so any binary content is safe.
 */

export interface MultipartPart {
  /** Header fields of the part, names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The Content-ID without angle brackets, when the part has one. */
  readonly contentId: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Readable;
}

/** Live figures of one parse, for tests and benchmarks. */
export interface MultipartParserStats {
  bytesRead: number;
  parts: number;
  /** Bytes currently held in the parser's own buffer (part body queues not included). */
  bufferedBytes: number;
  maxBufferedBytes: number;
}

export function createParserStats(): MultipartParserStats {
  return { bytesRead: 0, parts: 0, bufferedBytes: 0, maxBufferedBytes: 0 };
}

export interface MultipartParserOptions {
  readonly stats?: MultipartParserStats;
}

export type ByteSource = AsyncIterable<Buffer | Uint8Array>;

export async function* parseMultipart(
  source: ByteSource,
  boundary: string,
  limits: Partial<MessageLimits> = {},
  options: MultipartParserOptions = {},
): AsyncGenerator<MultipartPart, void, undefined> {
  const reader = new MultipartReader(source, boundary, resolveLimits(limits), options.stats ?? createParserStats());
  let current: PartState | undefined;
  try {
    if ((await reader.readPreamble()) === "close") {
      await reader.discardEpilogue();
      return;
    }
    for (;;) {
      current = await reader.startPart();
      yield current.part;
      const last = await reader.finishPart(current);
      current = undefined;
      if (last) break;
    }
    await reader.discardEpilogue();
  } catch (err) {
    // The body being read must not wait forever for bytes that will never come.
    if (current && !current.done && !current.body.destroyed) current.body.destroy(asError(err));
    throw err;
  } finally {
    // Early return by the consumer (break out of for-await): release the body it was given.
    if (current && !current.done && !current.body.destroyed) current.body.destroy();
    reader.release();
  }
}

interface PartState {
  readonly part: MultipartPart;
  readonly body: Readable;
  /** The delimiter after this part has been found and the body ended. */
  done: boolean;
  /** The delimiter after this part was the close delimiter. */
  last: boolean;
  failure: SoapError | undefined;
  readRequested: boolean;
  pumping: Promise<void> | undefined;
}

type Step =
  | { readonly kind: "more" }
  | { readonly kind: "data"; readonly chunk: Buffer }
  | { readonly kind: "end"; readonly chunk: Buffer; readonly last: boolean };

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
const MORE: Step = { kind: "more" };

class MultipartReader {
  private readonly it: AsyncIterator<unknown>;
  private readonly limits: MessageLimits;
  private readonly stats: MultipartParserStats;
  /** "--" boundary: a delimiter line without its leading line break. */
  private readonly dashBoundary: Buffer;
  /** Line break + "--" + boundary; the line break style is fixed by the first delimiter line. */
  private delimiter: Buffer = EMPTY;
  private buf: Buffer = EMPTY;
  private eof = false;

  constructor(source: ByteSource, boundary: string, limits: MessageLimits, stats: MultipartParserStats) {
    // RFC 2046 §5.1.1 allows 1 to 70 characters; accept longer ones, but no line breaks and only 8-bit text.
    if (boundary.length === 0 || boundary.length > 256 || /[^\t\x20-\xff]/.test(boundary)) {
      throw new SoapError("MTOM_MALFORMED", "invalid multipart boundary");
    }
    this.it = byteChunks(source);
    this.limits = limits;
    this.stats = stats;
    this.dashBoundary = Buffer.from(`--${boundary}`, "latin1");
  }

  /**
   * Skips the preamble up to the first delimiter line (RFC 2046 §5.1.1: the preamble is to be ignored). The first
   * delimiter may open the body without a preceding line break. Returns "close" for a body with no part at all.
   */
  async readPreamble(): Promise<"parts" | "close"> {
    const d = this.dashBoundary;
    let atStreamStart = true;
    for (;;) {
      let i = this.buf.indexOf(d);
      let pending = -1;
      while (i !== -1) {
        if (i === 0 ? atStreamStart : this.buf[i - 1] === LF) {
          const after = classifyAfterBoundary(this.buf, i + d.length);
          if (after.kind === "more") {
            pending = i;
            break;
          }
          if (after.kind === "next") {
            // CRLF is the standard line break; a bare LF means the message was stored or sent with LF line ends
            // (the Axis2 captures of the NIST toolkit), and then every delimiter uses LF.
            this.delimiter = Buffer.concat([Buffer.from(after.crlf ? "\r\n" : "\n"), d]);
            this.consume(after.end);
            return "parts";
          }
          if (after.kind === "close") {
            this.consume(after.end);
            return "close";
          }
        }
        i = this.buf.indexOf(d, i + 1);
      }
      // Keep only what may still begin a delimiter line: the pending candidate with the byte before it, or a tail
      // as long as "--boundary" plus one byte.
      const keepFrom = pending !== -1 ? Math.max(0, pending - 1) : Math.max(0, this.buf.length - d.length);
      if (keepFrom > 0) {
        this.consume(keepFrom);
        atStreamStart = false;
      }
      this.checkPadding(pending === -1 ? 0 : this.buf.length);
      if (!(await this.fill())) {
        if (pending !== -1 || this.endsWithDelimiterStart(atStreamStart)) {
          throw truncated("the body ends inside the first multipart delimiter");
        }
        throw new SoapError("MTOM_MALFORMED", "no multipart delimiter found in the body");
      }
    }
  }

  /** The buffer ends with the beginning of a delimiter line ("--bound" at a line start). */
  private endsWithDelimiterStart(atStreamStart: boolean): boolean {
    const j = partialMatchStart(this.buf, this.dashBoundary);
    return j < this.buf.length && (j === 0 ? atStreamStart : this.buf[j - 1] === LF);
  }

  /** Stops reading the source (a Readable is left open and paused for its owner). */
  release(): void {
    this.eof = true;
    this.it.return?.().catch(noop);
  }

  /** Reads the header block of the next part and creates its body stream. */
  async startPart(): Promise<PartState> {
    this.stats.parts++;
    if (this.stats.parts > this.limits.maxParts) {
      throw new SoapError("MTOM_LIMIT", `more than ${this.limits.maxParts} MIME parts`);
    }
    const headers = await this.readHeaders();
    const body = new Readable({ read: () => this.requestRead(state) });
    // Errors are also thrown by the generator; this keeps an unobserved body from crashing the process.
    body.on("error", noop);
    const contentId = headers["content-id"];
    const state: PartState = {
      part: {
        headers,
        contentId: contentId === undefined ? undefined : normalizeContentId(contentId),
        contentType: headers["content-type"],
        body,
      },
      body,
      done: false,
      last: false,
      failure: undefined,
      readRequested: false,
      pumping: undefined,
    };
    return state;
  }

  /** Waits until the part's body has reached its delimiter, skipping what the consumer left unread. */
  async finishPart(state: PartState): Promise<boolean> {
    if (state.pumping) await state.pumping;
    if (state.failure) throw state.failure;
    if (!state.done) {
      // Abandoned by the consumer: stop feeding the body and skip to the next delimiter.
      if (!state.body.destroyed) state.body.destroy();
      for (;;) {
        const step = this.scanBody();
        if (step.kind === "more") {
          if (!(await this.fill())) throw truncated("the body ends inside a MIME part");
        } else if (step.kind === "end") {
          state.done = true;
          state.last = step.last;
          break;
        }
      }
    }
    return state.last;
  }

  /** The epilogue after the close delimiter is ignored (RFC 2046 §5.1.1), but read so the source is consumed. */
  async discardEpilogue(): Promise<void> {
    this.consume(this.buf.length);
    while (await this.fill()) this.consume(this.buf.length);
  }

  private async readHeaders(): Promise<Record<string, string>> {
    const max = this.limits.maxPartHeaderBytes;
    let scanFrom = 0;
    for (;;) {
      const end = findHeaderBlockEnd(this.buf, scanFrom);
      if (end) {
        if (end.fieldsEnd > max) throw headerLimit(max);
        const headers = parseHeaderFields(this.buf.subarray(0, end.fieldsEnd));
        this.consume(end.bodyStart);
        return headers;
      }
      if (this.buf.length > max) throw headerLimit(max);
      scanFrom = lastLineStart(this.buf);
      if (!(await this.fill())) throw truncated("the body ends inside the headers of a MIME part");
    }
  }

  private requestRead(state: PartState): void {
    state.readRequested = true;
    if (state.pumping) return;
    state.pumping = this.pump(state).finally(() => {
      state.pumping = undefined;
    });
  }

  /**
   * Feeds the body until it says "enough" (push returns false), the part ends, or an error. A read requested
   * while a pump is running is served by the same pump (readRequested), so no wake-up is lost.
   */
  private async pump(state: PartState): Promise<void> {
    try {
      while (state.readRequested && !state.done && !state.body.destroyed) {
        state.readRequested = false;
        for (;;) {
          const step = this.scanBody();
          if (step.kind === "more") {
            if (!(await this.fill())) throw truncated("the body ends inside a MIME part");
            if (state.body.destroyed) return;
            continue;
          }
          if (step.kind === "end") {
            state.done = true;
            state.last = step.last;
            if (step.chunk.length > 0) state.body.push(step.chunk);
            state.body.push(null);
            return;
          }
          if (!state.body.push(step.chunk)) break;
        }
      }
    } catch (err) {
      const e = asSoapError(err);
      state.failure = e;
      state.body.destroy(e);
    }
  }

  /**
   * One scanning step of a part body. Emits the bytes that cannot belong to a delimiter, keeping in the buffer
   * only a tail that may be the start of one. "\r\n--boundary" followed by anything but transport padding and
   * a line break or "--" is content (RFC 2046 §5.1.1 delimiter syntax).
   */
  private scanBody(): Step {
    const buf = this.buf;
    const d = this.delimiter;
    let from = 0;
    for (;;) {
      const i = buf.indexOf(d, from);
      if (i === -1) {
        const keep = partialMatchStart(buf, d);
        return keep === 0 ? MORE : this.dataStep(keep);
      }
      const after = classifyAfterBoundary(buf, i + d.length);
      if (after.kind === "not") {
        from = i + 1;
        continue;
      }
      if (after.kind === "more") return i > 0 ? this.dataStep(i) : this.needMore(0);
      return this.endStep(i, after);
    }
  }

  private dataStep(end: number): Step {
    const chunk = this.buf.subarray(0, end);
    this.consume(end);
    return { kind: "data", chunk };
  }

  private endStep(dataEnd: number, after: { kind: "next" | "close"; end: number }): Step {
    const chunk = this.buf.subarray(0, dataEnd);
    this.consume(after.end);
    return { kind: "end", chunk, last: after.kind === "close" };
  }

  /** A delimiter candidate starts at `at` but its end has not arrived; bound the padding we agree to wait for. */
  private needMore(at: number): Step {
    this.checkPadding(this.buf.length - at);
    return MORE;
  }

  private checkPadding(candidateLength: number): void {
    if (candidateLength > this.dashBoundary.length + 2 + this.limits.maxPartHeaderBytes) {
      throw new SoapError("MTOM_MALFORMED", "endless transport padding after a multipart delimiter");
    }
  }

  private consume(n: number): void {
    this.buf = n >= this.buf.length ? EMPTY : this.buf.subarray(n);
    this.stats.bufferedBytes = this.buf.length;
  }

  /** Appends the next source chunk; false at the end of the source. */
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    let r: IteratorResult<unknown>;
    try {
      r = await this.it.next();
    } catch (err) {
      throw err instanceof SoapError
        ? err
        : new SoapError("MTOM_TRUNCATED", "the message body could not be read to its end", { cause: err });
    }
    if (r.done === true) {
      this.eof = true;
      return false;
    }
    const chunk = chunkToBuffer(r.value);
    this.stats.bytesRead += chunk.length;
    if (this.stats.bytesRead > this.limits.maxTotalBytes) {
      throw new SoapError("MTOM_LIMIT", `message larger than ${this.limits.maxTotalBytes} bytes`);
    }
    // Only a short tail is ever left over, so this copy is small next to the chunk itself.
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.stats.bufferedBytes = this.buf.length;
    if (this.buf.length > this.stats.maxBufferedBytes) this.stats.maxBufferedBytes = this.buf.length;
    return true;
  }
}

function truncated(message: string): SoapError {
  return new SoapError("MTOM_TRUNCATED", message);
}

function headerLimit(max: number): SoapError {
  return new SoapError("MTOM_LIMIT", `MIME part header block larger than ${max} bytes`);
}

function asSoapError(err: unknown): SoapError {
  return err instanceof SoapError ? err : new SoapError("MTOM_MALFORMED", "multipart parsing failed", { cause: err });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : asSoapError(err);
}

function noop(): void {}
