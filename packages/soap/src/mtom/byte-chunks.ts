import { Readable } from "node:stream";
import { SoapError } from "../soap-error.js";

/**
 * Pulls chunks from a byte source one at a time.
 *
 * A Node Readable is read through 'data' events, pausing after each chunk, rather than through its async
 * iterator: the iterator calls read(), which concatenates everything buffered into a fresh Buffer (a copy of
 * each chunk and garbage that inflates memory), and its return() destroys the stream, which for an HTTP request
 * kills the socket before a fault can be sent. Other async iterables are used as they are.
 */
export function byteChunks(source: AsyncIterable<Buffer | Uint8Array>): AsyncIterator<unknown> {
  return source instanceof Readable ? new ReadableChunks(source) : source[Symbol.asyncIterator]();
}

class ReadableChunks implements AsyncIterator<unknown> {
  private readonly stream: Readable;
  private readonly queue: unknown[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  private readonly listeners: [event: string, listener: (arg: unknown) => void][];

  constructor(stream: Readable) {
    this.stream = stream;
    this.listeners = [
      [
        "data",
        (chunk) => {
          this.queue.push(chunk);
          // One chunk at a time: the parser asks for the next when it needs it (backpressure).
          stream.pause();
          this.notify();
        },
      ],
      [
        "end",
        () => {
          this.ended = true;
          this.notify();
        },
      ],
      [
        "error",
        (error) => {
          this.failure ??= { error };
          this.notify();
        },
      ],
      [
        "close",
        () => {
          if (!this.ended) this.failure ??= { error: new Error("the stream closed before its end") };
          this.notify();
        },
      ],
    ];
    if (stream.readableEnded) {
      this.ended = true;
      return;
    }
    if (stream.destroyed) {
      this.failure = { error: stream.errored ?? new Error("the stream was destroyed before it was read") };
      return;
    }
    for (const [event, listener] of this.listeners) stream.on(event, listener);
    stream.pause();
  }

  /**
   * Stops reading without destroying the stream: listeners are removed and the stream is left paused, so the
   * owner can still drain it (resume) or close it, e.g. after answering an HTTP request with a fault.
   */
  return(): Promise<IteratorResult<unknown>> {
    for (const [event, listener] of this.listeners) this.stream.off(event, listener);
    if (!this.ended) this.stream.pause();
    this.ended = true;
    this.queue.length = 0;
    this.notify();
    return Promise.resolve({ done: true, value: undefined });
  }

  async next(): Promise<IteratorResult<unknown>> {
    for (;;) {
      if (this.queue.length > 0) return { done: false, value: this.queue.shift() };
      if (this.failure) throw this.failure.error;
      if (this.ended) return { done: true, value: undefined };
      const waiting = new Promise<void>((resolve) => (this.wake = resolve));
      this.stream.resume();
      await waiting;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** A chunk as a Buffer, without copying. A text chunk means someone decoded the stream: its bytes are lost. */
export function chunkToBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new SoapError("MTOM_MALFORMED", "the stream yields text, not bytes", { faultCode: "Receiver" });
}
