import { AppError } from "@opendsp/platform";

/** A request body went over the gateway's size limit while it was being forwarded. */
export class BodyTooLargeError extends AppError {
  override readonly name = "BodyTooLargeError";
  readonly limit: number;
  constructor(limit: number) {
    super("GW_BODY_TOO_LARGE", `the message is larger than the ${limit} bytes accepted`);
    this.limit = limit;
  }
}

/** `body`, failing with BodyTooLargeError as soon as more than `limit` bytes have passed (the forward then aborts). */
export async function* cappedBody(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (seen > limit) throw new BodyTooLargeError(limit);
    yield chunk;
  }
}

/**
 * Reads and throws away up to `budget` bytes of a body the gateway refused, so the connection can carry the next
 * request. Returns false when the body is longer: the caller then closes the connection rather than read on. The
 * iterator is never returned early, which would destroy the request socket before the answer is sent.
 */
export async function discardBody(body: AsyncIterable<Buffer>, budget: number): Promise<boolean> {
  const iterator = body[Symbol.asyncIterator]();
  let seen = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return true;
      seen += next.value.length;
      if (seen > budget) return false;
    }
  } catch {
    return false;
  }
}
