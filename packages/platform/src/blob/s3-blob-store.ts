import * as http from "node:http";
import * as https from "node:https";
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, S3Error, type BucketItem, type ClientOptions } from "minio";
import { AppError, messageOf } from "../errors/app-error.js";
import { DEFAULT_CONTENT_TYPE, assertValidBlobKey } from "./blob-key.js";
import { BlobNotFoundError, type BlobInfo, type BlobStore } from "./blob-store.js";

/**
 * Bytes per multipart part, and the most a put holds in memory. 16 MiB keeps memory bounded while allowing
 * objects up to 160 GiB (S3 allows 10,000 parts; parts must be at least 5 MiB except the last).
 */
export const S3_PART_SIZE = 16 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Longest silence tolerated on a request before its response headers arrive (connecting included). */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Pauses before resending a part that failed for a transient reason (the part is still in memory). */
const PART_RETRY_DELAYS_MS = [250, 1_000];

export interface S3BlobStoreOptions {
  readonly endPoint: string;
  readonly port?: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  /** Default us-east-1; set so the client never asks the server for the bucket's location. */
  readonly region?: string;
  /** Default true (path-style URLs, what MinIO and s3rver expect). */
  readonly pathStyle?: boolean;
  /** Default 30 s. A server that accepts no connection or sends no answer within it fails the operation. */
  readonly requestTimeoutMs?: number;
  /** Default S3_PART_SIZE; at least 5 MiB. */
  readonly partSize?: number;
}

/** S3 error codes that mean "try later", not "this request is wrong". */
const UNAVAILABLE_S3_CODES = new Set(["SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized"]);
/** Socket-level failures: the server is down, unreachable or stalled. */
const UNAVAILABLE_NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/**
 * Blobs in an S3 bucket (MinIO, AWS, any S3 API) through the minio client.
 *
 * put does its own multipart upload rather than minio's `putObject(stream)`: with an unknown length that call
 * picks ~528 MiB parts (it sizes parts for a 5 TiB object), buffers each part whole, hangs forever when the source
 * stream errors (it pipes without forwarding errors), resumes whatever incomplete upload it finds for the key
 * (ListMultipartUploads, which s3rver lacks), and never aborts. Here one part buffer of `partSize` bytes is
 * filled from the body, sent, and reused; a body shorter than one part goes in a single PUT. When the body or S3
 * fails midway, the upload is aborted (best effort: s3rver does not implement abort, and an abort against a
 * server that is down fails; a bucket lifecycle rule "AbortIncompleteMultipartUpload" cleans those up on real
 * S3). No object is created either way, since an upload only becomes an object when completed.
 *
 * Errors: a missing blob is BlobNotFoundError; a server that is down, unreachable, stalled or overloaded is
 * AppError BLOB_S3_UNAVAILABLE; anything else from S3 is BLOB_S3_ERROR; a body that fails during put is
 * BLOB_SOURCE_ERROR; the original error is the `cause`. Errors while reading a stream returned by get are mapped
 * the same way.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket } = options;
  const region = options.region ?? "us-east-1";
  const partSize = options.partSize ?? S3_PART_SIZE;
  if (partSize < MIN_PART_SIZE) throw new AppError("BLOB_CONFIG", `S3 part size ${partSize} is below the 5 MiB S3 allows`);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  const client = newClient({
    endPoint: options.endPoint,
    ...(options.port !== undefined ? { port: options.port } : {}),
    useSSL: options.useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region,
    pathStyle: options.pathStyle ?? true,
    partSize,
    transport: timedTransport(options.useSSL, timeoutMs),
    // A store of its own keeps connections alive between requests without sharing the process-wide agent.
    transportAgent: options.useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }),
    // minio retries only on 5xx answers, printing to the console; failures are reported instead, and put retries
    // its parts itself.
    retryOptions: { disableRetry: true },
  });

  async function uploadPart(key: string, uploadId: string, partNumber: number, bytes: Buffer): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { etag } = await client.uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} }, bytes);
        return etag;
      } catch (e) {
        const error = toAppError(e, `part ${partNumber} of blob ${key} could not be stored`, key);
        const delay = PART_RETRY_DELAYS_MS[attempt];
        if (error.code !== "BLOB_S3_UNAVAILABLE" || delay === undefined) throw error;
        await sleep(delay);
      }
    }
  }

  return {
    async ensureReady(): Promise<void> {
      try {
        if (await client.bucketExists(bucket)) return;
        await client.makeBucket(bucket, region);
      } catch (e) {
        // Another instance created it between our check and our request.
        if (e instanceof S3Error && (e.code === "BucketAlreadyOwnedByYou" || e.code === "BucketAlreadyExists")) return;
        throw toAppError(e, `the S3 bucket ${bucket} could not be checked or created`);
      }
    },

    async put(key, body, putOptions): Promise<{ readonly size: number }> {
      try {
        assertValidBlobKey(key);
      } catch (e) {
        // The body is consumed or destroyed on every path, so a caller's source never stalls half-read.
        body.destroy();
        throw e;
      }
      const headers = { "Content-Type": putOptions?.contentType ?? DEFAULT_CONTENT_TYPE };
      const parts = fixedSizeParts(body, partSize, key);
      let uploadId: string | undefined;
      try {
        let part = await parts.next();
        if (part.done === true || part.value.length < partSize) {
          // The whole body fits in one part: one plain PUT (minio copies these bytes once more; bounded by partSize).
          const bytes = part.done === true ? Buffer.alloc(0) : part.value;
          await client.putObject(bucket, key, bytes, bytes.length, headers);
          return { size: bytes.length };
        }
        uploadId = await client.initiateNewMultipartUpload(bucket, key, headers);
        const etags: { part: number; etag: string }[] = [];
        let size = 0;
        for (let partNumber = 1; part.done !== true; partNumber++) {
          if (partNumber > MAX_PARTS) {
            throw new AppError("BLOB_TOO_LARGE", `blob ${key} exceeds ${MAX_PARTS} parts of ${partSize} bytes`);
          }
          etags.push({ part: partNumber, etag: await uploadPart(key, uploadId, partNumber, part.value) });
          size += part.value.length;
          // Only now is the part buffer refilled: the part above has been fully sent and acknowledged.
          part = await parts.next();
        }
        await client.completeMultipartUpload(bucket, key, uploadId, etags);
        return { size };
      } catch (e) {
        // Ends the reader, which destroys the body if it is still being read.
        await parts.return(undefined);
        if (uploadId !== undefined) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
        throw toAppError(e, `blob ${key} could not be stored`, key);
      }
    },

    async get(key): Promise<Readable> {
      assertValidBlobKey(key);
      let response: Readable;
      try {
        response = await client.getObject(bucket, key);
      } catch (e) {
        throw toAppError(e, `blob ${key} could not be read`, key);
      }
      return mapStreamErrors(response, key);
    },

    async stat(key): Promise<BlobInfo | undefined> {
      assertValidBlobKey(key);
      try {
        const info = await client.statObject(bucket, key);
        const contentType: unknown = info.metaData["content-type"];
        return {
          key,
          size: info.size,
          lastModified: info.lastModified,
          contentType: typeof contentType === "string" ? contentType : DEFAULT_CONTENT_TYPE,
        };
      } catch (e) {
        const error = toAppError(e, `blob ${key} could not be read`, key);
        if (error instanceof BlobNotFoundError) return undefined;
        throw error;
      }
    },

    async delete(key): Promise<void> {
      assertValidBlobKey(key);
      try {
        await client.removeObject(bucket, key);
      } catch (e) {
        const error = toAppError(e, `blob ${key} could not be deleted`, key);
        if (!(error instanceof BlobNotFoundError)) throw error;
      }
    },

    async *list(prefix): AsyncGenerator<BlobInfo> {
      try {
        // minio's BucketStream pages through ListObjectsV2 (1,000 keys a request) as the stream is read.
        const items = client.listObjectsV2(bucket, prefix, true) as AsyncIterable<BucketItem>;
        for await (const item of items) {
          // Entries without a name are common prefixes, which only a listing with a delimiter returns.
          if (item.name === undefined) continue;
          yield { key: item.name, size: item.size, lastModified: item.lastModified };
        }
      } catch (e) {
        throw toAppError(e, `the S3 bucket ${bucket} could not be listed`);
      }
    },
  };
}

/** The minio client; it checks the endpoint, port and part size as it is made, which is a configuration error. */
function newClient(clientOptions: ClientOptions): Client {
  try {
    return new Client(clientOptions);
  } catch (cause) {
    throw new AppError("BLOB_CONFIG", `the S3 client could not be configured: ${messageOf(cause)}`, { cause });
  }
}

/**
 * Reads `body` into one reused buffer and yields it each time it is full, then the remainder (a view of it). The
 * caller must be done with a yielded part before asking for the next one. A failing body is BLOB_SOURCE_ERROR.
 */
async function* fixedSizeParts(body: Readable, partSize: number, key: string): AsyncGenerator<Buffer, void, undefined> {
  let buffer: Buffer | undefined;
  let filled = 0;
  try {
    // A Readable yields Buffers, or strings when an encoding was set on it.
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      let offset = 0;
      while (offset < bytes.length) {
        buffer ??= Buffer.allocUnsafe(partSize);
        const copied = bytes.copy(buffer, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === partSize) {
          yield buffer;
          filled = 0;
        }
      }
    }
  } catch (cause) {
    throw new AppError("BLOB_SOURCE_ERROR", `the body of blob ${key} failed while it was stored: ${messageOf(cause)}`, { cause });
  }
  if (buffer !== undefined && filled > 0) yield buffer.subarray(0, filled);
}

/** Passes the bytes of a get through, turning a failure midway (the server went away) into the store's errors. */
function mapStreamErrors(response: Readable, key: string): Readable {
  const out = new PassThrough();
  response.on("error", (e) => out.destroy(toAppError(e, `blob ${key} could not be read to the end`, key)));
  // A reader that stops early (a client hung up) must release the S3 connection.
  out.on("close", () => {
    if (!response.destroyed) response.destroy();
  });
  response.pipe(out);
  return out;
}

/**
 * http(s).request with a deadline until the response headers: connecting and waiting for the answer are bounded,
 * but a response body is not (a reader may pause it for as long as its own consumer needs).
 */
function timedTransport(useSSL: boolean, timeoutMs: number): NonNullable<ClientOptions["transport"]> {
  const send = useSSL ? https.request : http.request;
  const request = (requestOptions: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest => {
    const req = send(requestOptions, (response) => {
      req.setTimeout(0);
      callback?.(response);
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error(`no answer from S3 within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    return req;
  };
  // minio only ever calls `transport.request(options, callback)`; the other overloads of http.request are unused.
  return { request } as unknown as NonNullable<ClientOptions["transport"]>;
}

/** Maps whatever minio or the socket threw to the store's errors, keeping it as the cause. */
function toAppError(e: unknown, message: string, key?: string): AppError {
  if (e instanceof AppError) return e;
  const s3Code = e instanceof S3Error ? e.code : undefined;
  if (key !== undefined && (s3Code === "NoSuchKey" || s3Code === "NotFound")) return new BlobNotFoundError(key, { cause: e });
  if ((s3Code !== undefined && UNAVAILABLE_S3_CODES.has(s3Code)) || isNetworkFailure(e)) {
    return new AppError("BLOB_S3_UNAVAILABLE", `${message}: S3 is unavailable (${describe(e)})`, { cause: e });
  }
  return new AppError("BLOB_S3_ERROR", `${message}: ${describe(e)}`, { cause: e });
}

function isNetworkFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_NET_CODES.has(code)) return true;
  // Connecting to a name with several addresses fails with an AggregateError of the attempts.
  if (e instanceof AggregateError) return e.errors.some(isNetworkFailure);
  // With retries disabled, minio turns a 5xx answer into a plain Error with this message.
  return /^Request failed after \d+ retries/.test(e.message);
}

function describe(e: unknown): string {
  if (e instanceof S3Error) return `${e.code ?? "S3Error"} ${e.message}`.trim();
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? `${code} ${messageOf(e)}` : messageOf(e);
}
