import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The platform package does not depend on @opendsp/testing (which is for services); the helper is imported by path.
import { startS3TestServer, type S3TestServer } from "../../../testing/src/s3-test-server.js";
import { AppError } from "../errors/app-error.js";
import { BlobNotFoundError, type BlobInfo, type BlobStore } from "./blob-store.js";
import { createBlobStore } from "./create-blob-store.js";
import { createFolderBlobStore } from "./folder-blob-store.js";
import { S3_PART_SIZE, createS3BlobStore } from "./s3-blob-store.js";

const MiB = 1024 * 1024;
const CHUNK = 256 * 1024;

/** One store backend as the contract suite sees it. */
interface Backend {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A store whose bucket or folder does not exist yet, and a way to ask whether it exists. */
  newStore(name: string): { store: BlobStore; exists(): Promise<boolean> };
}

function folderBackend(): Backend {
  let dir = "";
  return {
    name: "folder",
    async start() {
      dir = await mkdtemp(join(tmpdir(), "opendsp-blobs-"));
    },
    async stop() {
      await rm(dir, { recursive: true, force: true });
    },
    newStore(name) {
      const root = join(dir, name);
      return {
        store: createFolderBlobStore(root),
        exists: () => stat(root).then(() => true, () => false),
      };
    },
  };
}

function s3Backend(): Backend {
  let server: S3TestServer | undefined;
  const connection = () => {
    if (!server) throw new Error("the S3 test server is not running");
    const url = new URL(server.endpoint);
    return { endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: server.accessKey, secretKey: server.secretKey };
  };
  return {
    name: "s3",
    async start() {
      server = await startS3TestServer();
    },
    async stop() {
      await server?.stop();
    },
    newStore(name) {
      const bucket = `opendsp-${name}`;
      return {
        store: createS3BlobStore({ ...connection(), bucket, requestTimeoutMs: 5_000 }),
        exists: () => new Client(connection()).bucketExists(bucket),
      };
    },
  };
}

/** A body of `size` random bytes made as it is read, and its SHA-1 once it has been read. */
function randomBody(size: number, failAfter?: number): { body: Readable; digest: () => string } {
  const hash = createHash("sha1");
  function* chunks(): Generator<Buffer> {
    let sent = 0;
    while (sent < size) {
      if (failAfter !== undefined && sent >= failAfter) throw new Error("the sender went away");
      const chunk = randomBytes(Math.min(CHUNK, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
  }
  return { body: Readable.from(chunks(), { objectMode: false }), digest: () => hash.digest("hex") };
}

async function digestOf(stream: Readable): Promise<{ sha1: string; size: number }> {
  const hash = createHash("sha1");
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha1: hash.digest("hex"), size };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function listed(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const all: BlobInfo[] = [];
  for await (const info of store.list(prefix)) all.push(info);
  return all.sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

/** The largest RSS growth over the baseline while `work` runs, sampled every 10 ms. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - baseline;
}

const backends = [folderBackend(), s3Backend()];

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

/** An S3 store on the test server, with a short request timeout so outages show quickly. */
function s3StoreOn(server: { endpoint: string; accessKey: string; secretKey: string }, bucket: string, requestTimeoutMs: number) {
  const url = new URL(server.endpoint);
  return createS3BlobStore({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    bucket,
    requestTimeoutMs,
  });
}

describe("S3 store when the server is gone", () => {
  it("rejects every operation with BLOB_S3_UNAVAILABLE, quickly", async () => {
    const server = await startS3TestServer();
    const store = s3StoreOn(server, "opendsp-gone", 2_000);
    await store.ensureReady();
    await store.put("doc", Readable.from([Buffer.from("bytes")]));
    await server.stop();

    const started = Date.now();
    expect(await codeOf(store.ensureReady())).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(store.put("doc", Readable.from([Buffer.from("small")])))).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(store.put("big", randomBody(S3_PART_SIZE + MiB).body))).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(store.get("doc"))).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(store.stat("doc"))).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(store.delete("doc"))).toBe("BLOB_S3_UNAVAILABLE");
    expect(await codeOf(listed(store, ""))).toBe("BLOB_S3_UNAVAILABLE");
    const error = await store.stat("doc").catch((e: unknown) => e);
    expect((error as AppError).cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("lets a reader pause a get longer than the request timeout, and fails a get cut off midway as BLOB_S3_UNAVAILABLE", async () => {
    const server = await startS3TestServer();
    const store = s3StoreOn(server, "opendsp-reads", 300);
    try {
      await store.ensureReady();
      const { body, digest } = randomBody(32 * MiB);
      await store.put("doc", body);
      const sha1 = digest();

      // The deadline covers waiting for the answer, not a reader that is slow to consume the body.
      const paused = await store.get("doc");
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await digestOf(paused)).sha1).toBe(sha1);

      // The server goes away after the first chunk, while the rest of the blob is still to be sent.
      const cut = await store.get("doc");
      let error: unknown;
      try {
        for await (const _chunk of cut as AsyncIterable<Buffer>) await server.stop();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BLOB_S3_UNAVAILABLE");
    } finally {
      await server.stop();
    }
  });

  it("gives up on a server that accepts connections but never answers (BLOB_S3_UNAVAILABLE)", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    try {
      const store = createS3BlobStore({
        endPoint: "127.0.0.1",
        port: address.port,
        useSSL: false,
        accessKey: "k",
        secretKey: "s",
        bucket: "opendsp-silent",
        requestTimeoutMs: 300,
      });
      const started = Date.now();
      expect(await codeOf(store.stat("doc"))).toBe("BLOB_S3_UNAVAILABLE");
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("createBlobStore", () => {
  let server: S3TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startS3TestServer();
    dir = await mkdtemp(join(tmpdir(), "opendsp-create-"));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("uses S3 when S3_ENDPOINT is set", async () => {
    const store = createBlobStore({
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY: server.accessKey,
      S3_SECRET_KEY: server.secretKey,
      S3_BUCKET: "opendsp-configured",
      S3_REGION: undefined,
      dataDir: join(dir, "unused"),
    });
    await store.ensureReady();
    await store.put("doc", Readable.from([Buffer.from("in S3")]));
    expect(await text(await store.get("doc"))).toBe("in S3");
    expect(await readdir(server.dir)).toContain("opendsp-configured");
    await expect(stat(join(dir, "unused"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("uses the folder under dataDir otherwise", async () => {
    const store = createBlobStore({ S3_ENDPOINT: undefined, dataDir: join(dir, "blobs") });
    await store.ensureReady();
    await store.put("a/doc", Readable.from([Buffer.from("in a folder")]));
    expect(await readdir(join(dir, "blobs", "a"))).toEqual(["doc"]);
  });

  it("refuses an S3 configuration that is incomplete or not a URL (BLOB_CONFIG)", () => {
    const configError = (config: Parameters<typeof createBlobStore>[0]): string | undefined => {
      try {
        createBlobStore(config);
        return undefined;
      } catch (e) {
        return e instanceof AppError ? e.code : "not an AppError";
      }
    };
    expect(configError({ S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "b", dataDir: dir })).toBe("BLOB_CONFIG");
    expect(configError({ S3_ENDPOINT: "127.0.0.1:9000", S3_ACCESS_KEY: "k", S3_SECRET_KEY: "s", S3_BUCKET: "b", dataDir: dir })).toBe("BLOB_CONFIG");
    expect(configError({ S3_ENDPOINT: "not a url", S3_ACCESS_KEY: "k", S3_SECRET_KEY: "s", S3_BUCKET: "b", dataDir: dir })).toBe("BLOB_CONFIG");
    expect(configError({ S3_ENDPOINT: "http://-bad-host-:9000", S3_ACCESS_KEY: "k", S3_SECRET_KEY: "s", S3_BUCKET: "b", dataDir: dir })).toBe("BLOB_CONFIG");
  });
});
