import { AtnaError } from "./atna-error.js";

/**
 * RFC 5425 section 4.3 octet counting, the framing of syslog over TLS: SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG,
 * MSG-LEN = NONZERO-DIGIT *DIGIT (the byte count of SYSLOG-MSG).
 */
export function frameOctetCounted(message: Uint8Array | string): Buffer {
  const body = typeof message === "string" ? Buffer.from(message, "utf8") : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (body.length === 0) throw new AtnaError("ATNA_FRAME_LENGTH_INVALID", "an octet-counted frame holds at least one byte");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}

export interface OctetCountingFramer {
  /**
   * Feeds bytes as they arrive and returns the frames they complete, in order. Throws AtnaError
   * ATNA_FRAME_LENGTH_INVALID (MSG-LEN not NONZERO-DIGIT *DIGIT followed by SP) or ATNA_FRAME_TOO_LARGE (MSG-LEN over
   * the limit, known before the body is read); the stream cannot be resynchronised after either, so the connection
   * is to be closed, and every later push throws the same error.
   */
  push(chunk: Uint8Array): Buffer[];
  /** Bytes held of a frame not yet complete (its length prefix included); 0 between frames. */
  readonly pendingBytes: number;
}

/**
 * An incremental RFC 5425 reader. `maxFrameBytes` bounds MSG-LEN (RFC 5425 section 4.3.1: a receiver should accept
 * 2048 octets, may accept more); the length is checked while its digits arrive, so a huge prefix never makes the
 * framer allocate or wait for its body.
 */
export function createOctetCountingFramer(maxFrameBytes: number): OctetCountingFramer {
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) throw new RangeError("maxFrameBytes must be a positive integer");
  let length = 0;
  let digits = 0;
  let body: Buffer | undefined;
  let filled = 0;
  let failure: AtnaError | undefined;

  const fail = (error: AtnaError): never => {
    failure = error;
    throw error;
  };

  const push = (chunk: Uint8Array): Buffer[] => {
    if (failure) throw failure;
    const frames: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (body) {
        const n = Math.min(chunk.length - i, body.length - filled);
        body.set(chunk.subarray(i, i + n), filled);
        filled += n;
        i += n;
        if (filled === body.length) {
          frames.push(body);
          body = undefined;
          filled = 0;
          length = 0;
          digits = 0;
        }
        continue;
      }
      const c = chunk[i++] ?? 0;
      if (c === 0x20 && digits > 0) {
        body = Buffer.allocUnsafe(length);
        continue;
      }
      // NONZERO-DIGIT first, then DIGITs.
      if (c < 0x30 || c > 0x39 || (digits === 0 && c === 0x30)) {
        fail(new AtnaError("ATNA_FRAME_LENGTH_INVALID", `MSG-LEN holds byte 0x${c.toString(16).padStart(2, "0")}; octet counting expected`));
      }
      length = length * 10 + (c - 0x30);
      digits += 1;
      if (length > maxFrameBytes) fail(new AtnaError("ATNA_FRAME_TOO_LARGE", `a frame announces more than ${maxFrameBytes} bytes`));
    }
    return frames;
  };

  return {
    push,
    get pendingBytes() {
      return body ? digits + 1 + filled : digits;
    },
  };
}
