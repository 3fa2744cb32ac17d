import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The platform package does not depend on @opendsp/testing (which is for services); the helper is imported by path.
import { startS3TestServer, type S3TestServer } from "../../../testing/src/s3-test-server.js";
import { AppError } from "../errors/app-error.js";
import { createBlobStore } from "./create-blob-store.js";
import { text } from "./blob-store.testing.js";

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
