export { BlobNotFoundError, type BlobInfo, type BlobStore } from "./blob-store.js";
export { DEFAULT_CONTENT_TYPE, assertValidBlobKey } from "./blob-key.js";
export { createBlobStore, type BlobStoreConfig } from "./create-blob-store.js";
export { createFolderBlobStore } from "./folder-blob-store.js";
export { S3_PART_SIZE, createS3BlobStore, type S3BlobStoreOptions } from "./s3-blob-store.js";
