import type { Readable } from "node:stream";
import { AppError } from "../errors/app-error.js";

/** What a stored blob is, as far as the store knows. */
export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly contentType?: string;
}

/**
 * Where document bytes live: S3/MinIO in production, a folder on the embedded default. Bodies are streams both
 * ways; no implementation may hold a whole document in memory. Keys are opaque to the store (the repository
 * forms them; see its README).
 */
export interface BlobStore {
  /** Streams `body` to `key` (replacing what was there) and reports the bytes written. */
  put(key: string, body: Readable, options?: { readonly contentType?: string }): Promise<{ readonly size: number }>;
  /** A stream of the blob; BlobNotFoundError when there is none. */
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix` (for the orphan sweeper). */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** Creates what the store needs (the S3 bucket) when absent; called once at start. */
  ensureReady(): Promise<void>;
}

export class BlobNotFoundError extends AppError {
  override readonly name = "BlobNotFoundError";
  constructor(key: string, options?: { cause?: unknown }) {
    super("BLOB_NOT_FOUND", `no blob ${key}`, options);
  }
}
