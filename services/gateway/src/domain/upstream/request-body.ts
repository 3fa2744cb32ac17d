/**
 * A request body being received, which edge steps may read ahead of forwarding (the consent step reads an ITI-18
 * query, an ITI-43 request, or an ITI-41/42 submission up to the end of its metadata) without losing a byte: what
 * they read is kept and forwarded first, then the rest as it arrives. Nothing is read that no step asked for, so a
 * large upload still streams.
 */
export class RequestBody {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private readonly iterator: AsyncIterator<Buffer> | undefined;
  private ended: boolean;
  private handedOut = false;

  /** `source` yields the body from its first byte; `whole`, when the body is already read to its end. */
  constructor(source: AsyncIterable<Buffer>, whole: Buffer | undefined) {
    if (whole === undefined) {
      this.iterator = source[Symbol.asyncIterator]();
      this.ended = false;
    } else {
      this.kept.push(whole);
      this.keptBytes = whole.length;
      this.ended = true;
    }
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.keptBytes;
  }

  /** The next chunk, kept for forwarding; undefined at the end of the body. */
  async read(): Promise<Buffer | undefined> {
    if (this.ended || this.iterator === undefined) return undefined;
    const next = await this.iterator.next();
    if (next.done === true) {
      this.ended = true;
      return undefined;
    }
    this.kept.push(next.value);
    this.keptBytes += next.value.length;
    return next.value;
  }

  /** The whole body, read to its end; undefined once it passes `maxBytes` (what was read stays kept). */
  async readWhole(maxBytes: number): Promise<Buffer | undefined> {
    while (!this.ended) {
      if (this.keptBytes > maxBytes) return undefined;
      await this.read();
    }
    return this.keptBytes > maxBytes ? undefined : this.whole();
  }

  /**
   * Hands `take` every chunk from the first byte (what was read, then more as it arrives) until it says it has seen
   * enough; true then, false when the body ended first.
   */
  async readUntil(take: (chunk: Buffer) => boolean): Promise<boolean> {
    for (let i = 0; i < this.kept.length; i++) {
      if (take(this.kept[i] as Buffer)) return true;
    }
    for (;;) {
      const chunk = await this.read();
      if (chunk === undefined) return false;
      if (take(chunk)) return true;
    }
  }

  /** The body when it has been read to its end. */
  whole(): Buffer | undefined {
    if (!this.ended) return undefined;
    if (this.kept.length > 1) this.kept.splice(0, this.kept.length, Buffer.concat(this.kept, this.keptBytes));
    return this.kept[0] ?? Buffer.alloc(0);
  }

  /** The body from its first byte: what was read, then the rest. Taken once, to forward or to discard. */
  async *stream(): AsyncGenerator<Buffer> {
    if (this.handedOut) throw new Error("the request body was already handed out");
    this.handedOut = true;
    for (const chunk of this.kept) yield chunk;
    if (this.ended || this.iterator === undefined) return;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
}
