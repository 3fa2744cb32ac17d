import { createServer, type Server, type Socket } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
// The platform package does not depend on @opendsp/testing (which is for services); the helper is imported by path.
import { startS3TestServer } from "../../../testing/src/s3-test-server.js";
import { AppError } from "../errors/app-error.js";
import { S3_PART_SIZE, createS3BlobStore } from "./s3-blob-store.js";
import { codeOf, digestOf, listed, MiB, randomBody, s3StoreOn } from "./blob-store.testing.js";

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
