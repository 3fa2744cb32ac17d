import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The part of s3rver 3.7 used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

// s3rver is CommonJS without type declarations; the constructor is typed by the interface above.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;

/** s3rver's built-in account: it accepts requests signed with these and refuses others. */
const S3RVER_CREDENTIAL = "S3RVER";

export interface S3TestServer {
  /** http://127.0.0.1:<port>, the value of S3_ENDPOINT. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Where s3rver keeps buckets and objects. */
  readonly dir: string;
  /** Stops the server (dropping open connections) and removes its folder; later calls do nothing. */
  stop(): Promise<void>;
}

/**
 * An S3 server for integration tests: s3rver on 127.0.0.1, on a free port, in a fresh temporary folder, silent.
 * It runs in the test's own process. It supports the object calls and multipart upload (initiate, upload part,
 * complete) but not AbortMultipartUpload nor ListMultipartUploads, and it does not enforce the 5 MiB part minimum.
 */
export async function startS3TestServer(): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "opendsp-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    accessKey: S3RVER_CREDENTIAL,
    secretKey: S3RVER_CREDENTIAL,
    dir,
    stop(): Promise<void> {
      stopping ??= (async () => {
        const closed = server.close();
        // Keep-alive and half-read connections would hold close() open; a stopped server drops them.
        server.httpServer?.closeAllConnections();
        await closed;
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
