import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/**
 * A document of `size` bytes generated chunk by chunk as it is read (never held whole), SHA-1 computed on the way.
 * Each chunk is a random block stamped with its offset, so a dropped, repeated or reordered chunk changes the hash.
 */
export function generatedDocument(size: number, chunkBytes = 256 * 1024): { stream: Readable; sha1(): string } {
  const block = randomBytes(chunkBytes);
  const hash = createHash("sha1");
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkBytes, size - produced);
      const chunk = Buffer.allocUnsafe(n);
      block.copy(chunk, 0, 0, n);
      if (n >= 8) chunk.writeDoubleLE(produced, 0);
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return {
    stream,
    sha1: () => {
      if (produced < size) throw new Error("the document has not been read to its end");
      return hash.digest("hex");
    },
  };
}
