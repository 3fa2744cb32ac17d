import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobNotFoundError, type BlobStore } from "./blob-store.js";
import { S3_PART_SIZE } from "./s3-blob-store.js";
import { backends, codeOf, digestOf, listed, MiB, peakRssGrowth, randomBody, text } from "./blob-store.testing.js";

describe.each(backends)("BlobStore contract: $name", (backend) => {
  let store: BlobStore;
  let testNo = 0;
  /** Each test works under its own key prefix in the shared store. */
  const prefix = () => `t${++testNo}`;

  beforeAll(async () => {
    await backend.start();
    store = backend.newStore("contract").store;
    await store.ensureReady();
  });
  afterAll(async () => {
    await backend.stop();
  });

  it("ensureReady creates the bucket or folder, and may be called again", async () => {
    const fresh = backend.newStore("fresh");
    expect(await fresh.exists()).toBe(false);
    await fresh.store.ensureReady();
    expect(await fresh.exists()).toBe(true);
    await fresh.store.ensureReady();
    await fresh.store.put("x", Readable.from([Buffer.from("ok")]));
    expect(await text(await fresh.store.get("x"))).toBe("ok");
  });

  it.each([
    ["empty", 0],
    ["1 byte", 1],
    ["3 MiB", 3 * MiB],
    ["exactly one S3 part", S3_PART_SIZE],
    ["40 MiB", 40 * MiB],
  ])("gives back %s byte for byte", async (_label, size) => {
    const key = `${prefix()}/document.bin`;
    const { body, digest } = randomBody(size);
    const written = await store.put(key, body, { contentType: "application/octet-stream" });
    expect(written.size).toBe(size);
    const read = await digestOf(await store.get(key));
    expect(read).toEqual({ sha1: digest(), size });
    expect((await store.stat(key))?.size).toBe(size);
  });

  it("stores keys with slashes as separate blobs", async () => {
    const p = prefix();
    const keys = [`${p}/a/b/c/d.pdf`, `${p}/a/b/e.pdf`, `${p}/a/f.pdf`];
    for (const key of keys) await store.put(key, Readable.from([Buffer.from(key)]));
    for (const key of keys) expect(await text(await store.get(key))).toBe(key);
  });

  it("reports size, content type and last modification in stat", async () => {
    const key = `${prefix()}/letter.xml`;
    const before = Date.now();
    await store.put(key, Readable.from([Buffer.from("<letter/>")]), { contentType: "text/xml; charset=UTF-8" });
    const info = await store.stat(key);
    expect(info).toMatchObject({ key, size: 9, contentType: "text/xml; charset=UTF-8" });
    // S3 reports Last-Modified to the second.
    expect(info?.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    expect(info?.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);

    const plain = `${prefix()}/plain`;
    await store.put(plain, Readable.from([Buffer.from("x")]));
    expect((await store.stat(plain))?.contentType).toBe("application/octet-stream");
    expect(await store.stat(`${prefix()}/never-written`)).toBeUndefined();
  });

  it("replaces a blob on overwrite, content type included", async () => {
    const key = `${prefix()}/doc`;
    await store.put(key, Readable.from([Buffer.from("first version, longer")]), { contentType: "text/plain" });
    await store.put(key, Readable.from([Buffer.from("second")]), { contentType: "application/pdf" });
    expect(await text(await store.get(key))).toBe("second");
    expect(await store.stat(key)).toMatchObject({ size: 6, contentType: "application/pdf" });
    await store.put(key, Readable.from([Buffer.from("third")]));
    expect(await store.stat(key)).toMatchObject({ size: 5, contentType: "application/octet-stream" });
  });

  it("deletes: get is then BlobNotFoundError, stat undefined; deleting a missing blob is fine", async () => {
    const key = `${prefix()}/doc`;
    await store.put(key, Readable.from([Buffer.from("bytes")]), { contentType: "text/plain" });
    await store.delete(key);
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect((error as BlobNotFoundError).code).toBe("BLOB_NOT_FOUND");
    expect(await store.stat(key)).toBeUndefined();
    await store.delete(key);
    await store.delete(`${prefix()}/never/written`);
    await expect(store.get(`${prefix()}/never-written`)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("lists by prefix with size and lastModified", async () => {
    const p = prefix();
    const keys = [`${p}/in/a/1`, `${p}/in/a/2`, `${p}/in/b/1`, `${p}/inside/x`, `${p}/out/1`];
    for (const key of keys) await store.put(key, Readable.from([Buffer.from(key)]), { contentType: "text/plain" });

    const underA = await listed(store, `${p}/in/a/`);
    expect(underA.map((b) => b.key)).toEqual([`${p}/in/a/1`, `${p}/in/a/2`]);
    for (const info of underA) {
      expect(info.size).toBe(info.key.length);
      expect(info.lastModified).toBeInstanceOf(Date);
      expect(Number.isNaN(info.lastModified.getTime())).toBe(false);
    }
    expect((await listed(store, `${p}/in/`)).map((b) => b.key)).toEqual([`${p}/in/a/1`, `${p}/in/a/2`, `${p}/in/b/1`]);
    // A prefix is a string prefix, not a folder: "in" also matches "inside".
    expect((await listed(store, `${p}/in`)).map((b) => b.key)).toEqual([`${p}/in/a/1`, `${p}/in/a/2`, `${p}/in/b/1`, `${p}/inside/x`]);
    expect(await listed(store, `${p}/nothing/`)).toEqual([]);
    expect((await listed(store, p)).length).toBe(5);
  });

  it("refuses keys it could not store the same way everywhere (BLOB_BAD_KEY)", async () => {
    const bad = ["", "../escape", "a/../../escape", "/absolute", "a//b", "a/", "nul\0byte", "back\\slash", ".hidden", "x.meta.json", "é".repeat(513)];
    for (const key of bad) {
      expect(await codeOf(store.put(key, Readable.from([Buffer.from("x")]))), JSON.stringify(key)).toBe("BLOB_BAD_KEY");
      expect(await codeOf(store.get(key)), JSON.stringify(key)).toBe("BLOB_BAD_KEY");
      expect(await codeOf(store.stat(key)), JSON.stringify(key)).toBe("BLOB_BAD_KEY");
      expect(await codeOf(store.delete(key)), JSON.stringify(key)).toBe("BLOB_BAD_KEY");
    }
    expect(await listed(store, "../")).toEqual([]);
  });

  it.each([
    ["within the first part", 1 * MiB],
    ["after a whole S3 part", S3_PART_SIZE + 4 * MiB],
  ])("rejects a put whose body fails %s and leaves no blob", async (_label, failAfter) => {
    const p = prefix();
    const key = `${p}/doc`;
    const { body } = randomBody(40 * MiB, failAfter);
    expect(await codeOf(store.put(key, body, { contentType: "application/pdf" }))).toBe("BLOB_SOURCE_ERROR");
    expect(body.destroyed).toBe(true);
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.stat(key)).toBeUndefined();
    expect(await listed(store, `${p}/`)).toEqual([]);
  });

  it("keeps the previous blob when an overwrite fails midway", async () => {
    const key = `${prefix()}/doc`;
    await store.put(key, Readable.from([Buffer.from("version 1")]), { contentType: "text/plain" });
    const { body } = randomBody(30 * MiB, S3_PART_SIZE + MiB);
    expect(await codeOf(store.put(key, body))).toBe("BLOB_SOURCE_ERROR");
    expect(await text(await store.get(key))).toBe("version 1");
    expect(await store.stat(key)).toMatchObject({ size: 9, contentType: "text/plain" });
  });

  it("streams a 200 MiB put and get without holding them in memory", async () => {
    const key = `${prefix()}/big.bin`;
    // Warm up the code paths first so that the measure is of the transfer, not of loading modules.
    await store.put(`${key}.warm-up`, randomBody(S3_PART_SIZE + MiB).body);
    const { body, digest } = randomBody(200 * MiB);
    const growth = await peakRssGrowth(() => store.put(key, body));
    console.log(`${backend.name}: RSS growth during a 200 MiB put: ${(growth / MiB).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(80 * 1_000_000);
    let read: { sha1: string; size: number } | undefined;
    const readGrowth = await peakRssGrowth(async () => {
      read = await digestOf(await store.get(key));
    });
    console.log(`${backend.name}: RSS growth during a 200 MiB get: ${(readGrowth / MiB).toFixed(1)} MiB`);
    expect(readGrowth).toBeLessThan(80 * 1_000_000);
    expect(read).toEqual({ sha1: digest(), size: 200 * MiB });
  });
});
