import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobNotFoundError } from "./blob-store.js";
import { createFolderBlobStore } from "./folder-blob-store.js";
import { codeOf, digestOf, listed, MiB, randomBody, text } from "./blob-store.testing.js";

describe("folder store", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "opendsp-folder-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function allFiles(folder: string): Promise<string[]> {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(folder.length + 1));
  }

  it("leaves no temporary file after a failed put, and none visible after a good one", async () => {
    const root = join(dir, "temp-files");
    const store = createFolderBlobStore(root);
    await store.ensureReady();
    await store.put("a/b/kept", Readable.from([Buffer.from("kept")]), { contentType: "text/plain" });
    expect(await codeOf(store.put("a/b/failed", randomBody(4 * MiB, MiB).body, { contentType: "text/plain" }))).toBe("BLOB_SOURCE_ERROR");
    expect((await allFiles(root)).sort()).toEqual(["a/b/kept", "a/b/kept.meta.json"]);
    expect((await listed(store, "")).map((b) => b.key)).toEqual(["a/b/kept"]);
  });

  it("refuses a key that would make a blob also a folder (BLOB_KEY_CONFLICT)", async () => {
    const store = createFolderBlobStore(join(dir, "conflict"));
    await store.ensureReady();
    await store.put("a/b", Readable.from([Buffer.from("blob")]));
    expect(await codeOf(store.put("a/b/c", Readable.from([Buffer.from("under a blob")])))).toBe("BLOB_KEY_CONFLICT");
    expect(await codeOf(store.put("a", Readable.from([Buffer.from("over a folder")])))).toBe("BLOB_KEY_CONFLICT");
    expect(await store.stat("a")).toBeUndefined();
    await expect(store.get("a")).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get("a/b/c")).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete("a");
    expect(await text(await store.get("a/b"))).toBe("blob");
  });

  it("lets a reader finish the old bytes while a put replaces the blob", async () => {
    const store = createFolderBlobStore(join(dir, "atomic"));
    await store.ensureReady();
    const old = randomBody(8 * MiB);
    await store.put("doc", old.body);
    const reading = await store.get("doc");
    await store.put("doc", Readable.from([Buffer.from("new")]));
    expect((await digestOf(reading)).sha1).toBe(old.digest());
    expect(await text(await store.get("doc"))).toBe("new");
  });
});
