import type { BlobInfo, BlobStore } from "@opendsp/platform";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { newDocumentBlobKey } from "./document-blob-key.js";
import { DocumentStoreError, putMeasured } from "./measured-blob-put.js";

/** A store that keeps blobs in memory, or fails every put after reading `failAfter` bytes. */
function memoryStore(failAfter?: number): BlobStore & { readonly data: Map<string, Buffer> } {
  const data = new Map<string, Buffer>();
  return {
    data,
    async put(key, body) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of body) {
        chunks.push(c as Buffer);
        size += (c as Buffer).length;
        if (failAfter !== undefined && size > failAfter) throw new Error("disk full");
      }
      data.set(key, Buffer.concat(chunks));
      return { size };
    },
    get: () => Promise.reject(new Error("unused")),
    stat: () => Promise.resolve(undefined),
    delete: () => Promise.resolve(),
    list: (): AsyncIterable<BlobInfo> => Readable.from([]),
    ensureReady: () => Promise.resolve(),
  };
}

function* chunks(total: number, size: number): Generator<Buffer> {
  for (let at = 0; at < total; at += size) yield Buffer.alloc(Math.min(size, total - at), at % 251);
}

describe("putMeasured", () => {
  it("stores the bytes and reports their SHA-1 and size, computed on the way", async () => {
    const store = memoryStore();
    const expected = Buffer.concat([...chunks(300_000, 7_000)]);
    const result = await putMeasured(store, "k", Readable.from(chunks(300_000, 7_000)), "application/pdf");
    expect(result).toEqual({ hash: createHash("sha1").update(expected).digest("hex"), size: expected.length });
    expect(store.data.get("k")?.equals(expected)).toBe(true);
  });

  it("rethrows a failure of the source as is", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(10));
        this.destroy(new Error("truncated"));
      },
    });
    await expect(putMeasured(memoryStore(), "k", failing, "text/plain")).rejects.toThrow("truncated");
  });

  it("turns a failure of the store into a DocumentStoreError with the cause, and releases the source", async () => {
    const source = Readable.from(chunks(100_000, 1000));
    const err: unknown = await putMeasured(memoryStore(5000), "k", source, "text/plain").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentStoreError);
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(source.destroyed).toBe(true);
  });
});

describe("newDocumentBlobKey", () => {
  it("says nothing about the document: documents/<yyyy>/<mm>/<uuid>, different every time", () => {
    const key = newDocumentBlobKey(new Date(Date.UTC(2026, 0, 31, 23, 59)));
    expect(key).toMatch(/^documents\/2026\/01\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newDocumentBlobKey()).not.toBe(newDocumentBlobKey());
  });
});
