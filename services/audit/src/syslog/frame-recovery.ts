import { createOctetCountingFramer } from "@opendsp/atna";

/**
 * After the framer refused a chunk, finds what that chunk still held before the bad frame: the framer throws for the
 * whole push, so the frames completed earlier in the same chunk are recovered by feeding it again, a byte at a time,
 * to a fresh framer. `held` is the start of the frame in progress before the chunk (the framer had accepted it).
 * Returns the complete frames, then the bytes of the bad frame from its start to the end of the chunk.
 */
export function recoverFramesBeforeError(held: Buffer, chunk: Buffer, maxFrameBytes: number): { frames: Buffer[]; rest: Buffer } {
  const framer = createOctetCountingFramer(maxFrameBytes);
  const frames: Buffer[] = [];
  if (held.length > 0) frames.push(...framer.push(held));
  let frameStart = -held.length;
  for (let i = 0; i < chunk.length; i++) {
    try {
      const done = framer.push(chunk.subarray(i, i + 1));
      if (done.length > 0) {
        frames.push(...done);
        frameStart = i + 1;
      }
    } catch {
      break;
    }
  }
  const rest = frameStart < 0 ? Buffer.concat([held.subarray(held.length + frameStart), chunk]) : chunk.subarray(frameStart);
  return { frames, rest };
}

/** The bytes of the frame in progress, kept as the chunks that brought them, so nothing is copied per chunk. */
export class HeldBytes {
  private chunks: Buffer[] = [];
  private total = 0;

  /** After a push, keeps the last `pending` bytes of what was held plus the chunk. */
  keepLast(pending: number, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    while (this.total > pending) {
      const first = this.chunks[0];
      if (first === undefined) break;
      const drop = this.total - pending;
      if (first.length <= drop) {
        this.chunks.shift();
        this.total -= first.length;
      } else {
        this.chunks[0] = first.subarray(drop);
        this.total -= drop;
      }
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.total);
  }
}
