import { SoapError } from "../soap-error.js";
import { byteChunks, chunkToBuffer } from "./byte-chunks.js";

/**
 * Reads a byte source whole, failing with MTOM_LIMIT past `max` bytes. A Readable source is never destroyed
 * here, only left paused (see byteChunks): destroying a Node HTTP request destroys its socket, and the caller may
 * still want to answer with a fault. `onLimit` lets the caller release the source (a part body is destroyed).
 */
export async function readAll(
  source: AsyncIterable<Buffer | Uint8Array>,
  max: number,
  what: string,
  onLimit?: (err: SoapError) => void,
): Promise<Buffer> {
  const it = byteChunks(source);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const r = await nextChunk(it, what);
      if (r.done === true) break;
      const chunk = chunkToBuffer(r.value);
      total += chunk.length;
      if (total > max) {
        const err = new SoapError("MTOM_LIMIT", `${what} larger than ${Math.max(0, max)} bytes`);
        onLimit?.(err);
        throw err;
      }
      chunks.push(chunk);
    }
  } finally {
    await it.return?.();
  }
  return Buffer.concat(chunks, total);
}

async function nextChunk(it: AsyncIterator<unknown>, what: string): Promise<IteratorResult<unknown>> {
  try {
    return await it.next();
  } catch (err) {
    throw err instanceof SoapError ? err : new SoapError("MTOM_TRUNCATED", `the ${what} could not be read to its end`, { cause: err });
  }
}
