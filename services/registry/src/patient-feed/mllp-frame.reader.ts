/**
 * MLLP framing (HL7 v2.5 Appendix C, Minimal Lower Layer Protocol; ITI TF-2x Appendix C): each message travels as
 * <VT 0x0B> message <FS 0x1C><CR 0x0D>.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** 1 MiB: an ADT message is a few KiB; a bigger frame is a broken or hostile sender, not a patient. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** How much of an oversized frame is kept to read its MSH (so the AR can echo MSH-10). */
const OVERSIZE_HEAD_BYTES = 4096;

export type MllpEvent =
  /** A complete message, without the framing bytes. */
  | { readonly type: "frame"; readonly payload: Buffer }
  /** A frame passed the cap: its first bytes; the rest of it, up to its end, is skipped. */
  | { readonly type: "oversize"; readonly head: Buffer }
  /** Bytes outside any frame that are not whitespace: the peer does not speak MLLP. */
  | { readonly type: "garbage" };

/**
 * Incremental MLLP deframer for one connection: push() each chunk read from the socket, get the events it
 * completes. Memory stays bounded by the cap whatever the peer sends. Lenient where senders are known to differ:
 * CR/LF between frames is ignored, a frame ended by FS alone is accepted, and a VT inside a frame starts a new
 * frame (the sender gave up on the previous one; VT may not appear in HL7 text).
 */
export class MllpFrameReader {
  readonly #maxFrameBytes: number;
  #state: "outside" | "inside" | "afterFs" | "skipping" | "skippingAfterFs" = "outside";
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let start = 0; // first byte of the current frame's content within `chunk`
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i] as number;
      switch (this.#state) {
        case "outside":
          if (byte === VT) {
            this.#begin();
            start = i + 1;
          } else if (byte !== CR && byte !== 0x0a && byte !== 0x20 && byte !== 0x09) {
            events.push({ type: "garbage" });
            return events; // nothing after garbage can be trusted: the connection is closed by the caller
          }
          break;
        case "inside":
          if (byte === FS) {
            this.#append(chunk.subarray(start, i), events);
            // #append may just have found the frame too big: then this FS ends the skipped frame.
            this.#state = this.#state === "inside" ? "afterFs" : "skippingAfterFs";
          } else if (byte === VT) {
            this.#begin();
            start = i + 1;
          }
          break;
        case "afterFs":
          events.push({ type: "frame", payload: this.#take() });
          this.#state = "outside";
          if (byte !== CR) i -= 1; // FS alone ended the frame: read this byte again, outside any frame
          break;
        case "skipping":
          if (byte === FS) this.#state = "skippingAfterFs";
          break;
        case "skippingAfterFs":
          this.#state = "outside";
          if (byte !== CR) i -= 1;
          break;
      }
    }
    if (this.#state === "inside") this.#append(chunk.subarray(start), events);
    return events;
  }

  #begin(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#state = "inside";
  }

  /** Adds frame content; past the cap, reports the frame once and skips the rest of it. */
  #append(part: Buffer, events: MllpEvent[]): void {
    if (this.#state !== "inside" || part.length === 0) return;
    if (this.#size + part.length > this.#maxFrameBytes) {
      const head = Buffer.concat([...this.#chunks, part]).subarray(0, OVERSIZE_HEAD_BYTES);
      this.#chunks = [];
      this.#size = 0;
      this.#state = "skipping";
      events.push({ type: "oversize", head: Buffer.from(head) });
      return;
    }
    // Copy: the socket may reuse its buffers.
    this.#chunks.push(Buffer.from(part));
    this.#size += part.length;
  }

  #take(): Buffer {
    const payload = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    return payload;
  }
}

export function encodeMllpFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from([VT]), message, Buffer.from([FS, CR])]);
}
