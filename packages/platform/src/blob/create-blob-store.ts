import { AppError } from "../errors/app-error.js";
import type { BlobStore } from "./blob-store.js";
import { createFolderBlobStore } from "./folder-blob-store.js";
import { createS3BlobStore } from "./s3-blob-store.js";

/** The settings a service passes through from its configuration (absent values may be `undefined`). */
export interface BlobStoreConfig {
  /** http(s)://host[:port] of S3 or MinIO; absent: the folder store. */
  readonly S3_ENDPOINT?: string | undefined;
  readonly S3_ACCESS_KEY?: string | undefined;
  readonly S3_SECRET_KEY?: string | undefined;
  readonly S3_BUCKET?: string | undefined;
  /** Default us-east-1. */
  readonly S3_REGION?: string | undefined;
  /** Root folder of the folder store (used only without S3_ENDPOINT). */
  readonly dataDir: string;
}

/**
 * The S3 store when S3_ENDPOINT is set (then the keys and bucket are required), otherwise the folder store under
 * `dataDir`. Nothing is contacted here: call `ensureReady()` once at start.
 */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  if (config.S3_ENDPOINT === undefined || config.S3_ENDPOINT === "") return createFolderBlobStore(config.dataDir);

  let url: URL;
  try {
    url = new URL(config.S3_ENDPOINT);
  } catch (cause) {
    throw new AppError("BLOB_CONFIG", `S3_ENDPOINT ${config.S3_ENDPOINT} is not a URL`, { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("BLOB_CONFIG", `S3_ENDPOINT must start with http:// or https://, not ${url.protocol}`);
  }
  const missing = (["S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET"] as const).filter((name) => !config[name]);
  if (missing.length > 0) throw new AppError("BLOB_CONFIG", `S3_ENDPOINT is set but ${missing.join(", ")} is not`);

  return createS3BlobStore({
    // URL keeps IPv6 hosts in brackets; the client wants the bare address.
    endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    ...(url.port !== "" ? { port: Number(url.port) } : {}),
    useSSL: url.protocol === "https:",
    accessKey: config.S3_ACCESS_KEY ?? "",
    secretKey: config.S3_SECRET_KEY ?? "",
    bucket: config.S3_BUCKET ?? "",
    ...(config.S3_REGION ? { region: config.S3_REGION } : {}),
  });
}
