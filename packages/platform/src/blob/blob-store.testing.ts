/**
 * Test support for the blob store integration tests: the two backends the contract suite runs on (a folder, and
 * S3 on the test server), bodies made while read, and the checks the suites share.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Client } from "minio";
import { expect } from "vitest";
// The platform package does not depend on @opendsp/testing (which is for services); the helper is imported by path.
import { startS3TestServer, type S3TestServer } from "../../../testing/src/s3-test-server.js";
import { AppError } from "../errors/app-error.js";
import { type BlobInfo, type BlobStore } from "./blob-store.js";
import { createFolderBlobStore } from "./folder-blob-store.js";
import { createS3BlobStore } from "./s3-blob-store.js";

export const MiB = 1024 * 1024;
export const CHUNK = 256 * 1024;

/** One store backend as the contract suite sees it. */
export interface Backend {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A store whose bucket or folder does not exist yet, and a way to ask whether it exists. */
  newStore(name: string): { store: BlobStore; exists(): Promise<boolean> };
}

export function folderBackend(): Backend {
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

export function s3Backend(): Backend {
  let server: S3TestServer | undefined;
  const running = (): S3TestServer => {
    if (!server) throw new Error("the S3 test server is not running");
    return server;
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
        store: s3StoreOn(running(), bucket, 5_000),
        exists: () => new Client(s3Connection(running())).bucketExists(bucket),
      };
    },
  };
}

/** A body of `size` random bytes made as it is read, and its SHA-1 once it has been read. */
export function randomBody(size: number, failAfter?: number): { body: Readable; digest: () => string } {
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

export async function digestOf(stream: Readable): Promise<{ sha1: string; size: number }> {
  const hash = createHash("sha1");
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha1: hash.digest("hex"), size };
}

export async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export async function listed(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const all: BlobInfo[] = [];
  for await (const info of store.list(prefix)) all.push(info);
  return all.sort((a, b) => (a.key < b.key ? -1 : 1));
}

export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

/** The largest RSS growth over the baseline while `work` runs, sampled every 10 ms. */
export async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
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

export const backends = [folderBackend(), s3Backend()];


/** An S3 store on the test server, with a short request timeout so outages show quickly. */
export function s3StoreOn(server: S3Server, bucket: string, requestTimeoutMs: number) {
  return createS3BlobStore({ ...s3Connection(server), bucket, requestTimeoutMs });
}

type S3Server = { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string };

/** The minio client's connection settings for the test server. */
function s3Connection(server: S3Server) {
  const url = new URL(server.endpoint);
  return { endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: server.accessKey, secretKey: server.secretKey };
}
