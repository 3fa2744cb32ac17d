/**
 * Size limits applied while reading a SOAP/MTOM HTTP body. They bound what one request can make the server
 * buffer or process, so that a hostile or broken sender cannot exhaust memory (each breach is MTOM_LIMIT).
 */
export interface MessageLimits {
  /** Largest SOAP envelope (root part, or the whole body of a simple SOAP message), read whole into memory. */
  readonly maxRootBytes: number;
  /** Most MIME parts in one multipart/related body, root included. */
  readonly maxParts: number;
  /** Most bytes read from the source in total: preamble, headers, bodies and epilogue. */
  readonly maxTotalBytes: number;
  /** Largest header block of one MIME part. */
  readonly maxPartHeaderBytes: number;
  /** Most bytes of parts placed before the root, which must be buffered until the root has been read. */
  readonly maxBufferedBeforeRootBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = Object.freeze({
  maxRootBytes: 64 * MiB,
  maxParts: 1000,
  maxTotalBytes: 4 * 1024 * MiB,
  maxPartHeaderBytes: 16 * 1024,
  maxBufferedBeforeRootBytes: 64 * MiB,
});

/** Fills the missing limits from the defaults; a limit must be a positive number (Infinity allowed). */
export function resolveLimits(partial: Partial<MessageLimits> = {}): MessageLimits {
  const limits: MessageLimits = { ...DEFAULT_MESSAGE_LIMITS, ...definedOnly(partial) };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      // A configuration mistake, not a message error: fail loudly at the call site.
      throw new RangeError(`message limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}

function definedOnly(partial: Partial<MessageLimits>): Partial<MessageLimits> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
}
