import type { BlobStore } from "@opendsp/platform";
import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";

/** What the repository computed while a document went by: the values it puts in the metadata (ITI TF-3 4.2.3.2.10, 4.2.3.2.24). */
export interface MeasuredBlob {
  /** SHA-1 of the bytes, lower-case hex. */
  readonly hash: string;
  readonly size: number;
}

/** The blob store failed (unreachable, full, refused): the sender's message was fine. */
export class DocumentStoreError extends Error {
  override readonly name = "DocumentStoreError";
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/**
 * Streams `source` into the blob store under `key` while a pass-through stage on the way feeds a SHA-1 and a byte counter,
 * so the document is hashed and measured in the same single pass and never held in memory.
 *
 * A failure of the source (a truncated MTOM part) is rethrown as is, so the caller can tell the sender; any other
 * failure is the store's and becomes a DocumentStoreError. Either way the source is consumed or destroyed, as the
 * MTOM reader requires before the next part can be read.
 */
export async function putMeasured(blobs: BlobStore, key: string, source: Readable, contentType: string): Promise<MeasuredBlob> {
  const hash = createHash("sha1");
  let size = 0;
  let sourceFailure: unknown;
  // A pass-through stage: each chunk feeds the hash and the counter on its way to the store, unchanged.
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  source.on("error", (err: unknown) => {
    sourceFailure ??= err;
    meter.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  source.pipe(meter);

  let written: { readonly size: number };
  try {
    written = await blobs.put(key, meter, { contentType });
  } catch (cause) {
    source.unpipe(meter);
    source.destroy();
    if (sourceFailure !== undefined) throw asError(sourceFailure);
    throw new DocumentStoreError(`the document store refused blob ${key}`, { cause });
  }
  if (sourceFailure !== undefined) throw asError(sourceFailure);
  if (written.size !== size) {
    throw new DocumentStoreError(`the document store wrote ${written.size} bytes of blob ${key}, ${size} were sent`, {
      cause: undefined,
    });
  }
  return { hash: hash.digest("hex"), size };
}

/**
 * Reads `source` to its end computing SHA-1 and size, keeping nothing: for a document this repository already
 * holds, whose bytes only need to be compared with the stored ones.
 */
export async function measureOnly(source: Readable): Promise<MeasuredBlob> {
  const hash = createHash("sha1");
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: hash.digest("hex"), size };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
