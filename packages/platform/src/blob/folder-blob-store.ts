import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type Dirent, type WriteStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError, messageOf } from "../errors/app-error.js";
import { DEFAULT_CONTENT_TYPE, META_SUFFIX, assertValidBlobKey, segmentProblem } from "./blob-key.js";
import { BlobNotFoundError, type BlobInfo, type BlobStore } from "./blob-store.js";

/** Temporary files start with "." so that no key can name one (keys refuse segments starting with "."). */
const TEMP_PREFIX = ".tmp-";

interface BlobMeta {
  readonly contentType: string;
}

/**
 * The embedded default: blob `a/b/c` is the file `<root>/a/b/c`.
 *
 * - put streams into a temporary file in the destination folder (flushed to disk before closing) and renames it
 *   into place, so a reader sees the old blob or the new one, never a half-written one; a failed put removes its
 *   temporary file.
 * - The content type lives in a sidecar `<file>.meta.json` ({"contentType": …}), written only when one is given
 *   (stat then reports `application/octet-stream`, like the S3 store); an overwrite without a content type
 *   removes the old sidecar. Data is renamed before the sidecar, so for an instant a stat may pair new bytes with
 *   the previous content type.
 * - list reports no content type (neither does S3's listing; use stat) and skips temporary files and sidecars.
 * - A key cannot be both a blob and a "folder" of other blobs (`a` and `a/b`): that put fails with
 *   BLOB_KEY_CONFLICT. Emptied folders are left in place (removing them would race with a concurrent put).
 * - Temporary files of a process that crashed mid-put stay behind; they are invisible to get/stat/list.
 */
export function createFolderBlobStore(root: string): BlobStore {
  const pathOf = (key: string): string => {
    assertValidBlobKey(key);
    return join(root, ...key.split("/"));
  };

  return {
    async ensureReady(): Promise<void> {
      try {
        await mkdir(root, { recursive: true });
      } catch (cause) {
        throw fsError(cause, `the blob folder ${root} could not be created`);
      }
    },

    async put(key, body, options): Promise<{ readonly size: number }> {
      let path: string;
      try {
        path = pathOf(key);
      } catch (e) {
        // The body is consumed or destroyed on every path, so a caller's source never stalls half-read.
        body.destroy();
        throw e;
      }
      const folder = dirname(path);
      const suffix = randomBytes(8).toString("hex");
      const temp = join(folder, `${TEMP_PREFIX}${suffix}`);
      const metaTemp = join(folder, `${TEMP_PREFIX}${suffix}${META_SUFFIX}`);
      let sourceError: unknown;
      const onSourceError = (e: unknown): void => {
        sourceError ??= e;
      };
      body.on("error", onSourceError);
      let out: WriteStream | undefined;
      try {
        try {
          await mkdir(folder, { recursive: true });
        } catch (cause) {
          throw conflictOr(cause, key);
        }
        out = createWriteStream(temp, { flags: "wx", flush: true });
        await pipeline(body, out);
        const size = out.bytesWritten;
        if (options?.contentType !== undefined) {
          const meta: BlobMeta = { contentType: options.contentType };
          await writeFile(metaTemp, JSON.stringify(meta), { flag: "wx", flush: true });
        }
        try {
          await rename(temp, path);
        } catch (cause) {
          throw conflictOr(cause, key);
        }
        if (options?.contentType !== undefined) await rename(metaTemp, `${path}${META_SUFFIX}`);
        else await rm(`${path}${META_SUFFIX}`, { force: true });
        return { size };
      } catch (e) {
        body.destroy();
        // A write stream destroyed while still opening creates its file afterwards: wait for it to close first.
        if (out !== undefined && !out.closed) await once(out, "close");
        await Promise.all([rm(temp, { force: true }), rm(metaTemp, { force: true })]).catch(() => undefined);
        if (sourceError !== undefined) {
          throw new AppError("BLOB_SOURCE_ERROR", `the body of blob ${key} failed while it was stored: ${messageOf(sourceError)}`, {
            cause: sourceError,
          });
        }
        if (e instanceof AppError) throw e;
        throw fsError(e, `blob ${key} could not be written`);
      } finally {
        body.off("error", onSourceError);
      }
    },

    async get(key): Promise<Readable> {
      const path = pathOf(key);
      // Opening first turns a missing blob into a rejected get (a bare createReadStream would only fail on its
      // first read), and an open file keeps its bytes even if a put renames a new blob over it meanwhile.
      let handle: FileHandle;
      try {
        handle = await open(path, "r");
      } catch (cause) {
        if (isMissing(cause)) throw new BlobNotFoundError(key, { cause });
        throw fsError(cause, `blob ${key} could not be opened`);
      }
      try {
        if (!(await handle.stat()).isFile()) throw new BlobNotFoundError(key);
      } catch (e) {
        await handle.close();
        throw e instanceof AppError ? e : fsError(e, `blob ${key} could not be opened`);
      }
      return handle.createReadStream();
    },

    async stat(key): Promise<BlobInfo | undefined> {
      const path = pathOf(key);
      try {
        const info = await stat(path);
        if (!info.isFile()) return undefined;
        return { key, size: info.size, lastModified: info.mtime, contentType: await readContentType(path) };
      } catch (cause) {
        if (isMissing(cause)) return undefined;
        throw fsError(cause, `blob ${key} could not be read`);
      }
    },

    async delete(key): Promise<void> {
      const path = pathOf(key);
      for (const file of [path, `${path}${META_SUFFIX}`]) {
        try {
          await unlink(file);
        } catch (cause) {
          // EISDIR: the key names a folder of other blobs, so there is no blob to delete.
          if (isMissing(cause) || codeOf(cause) === "EISDIR") continue;
          throw fsError(cause, `blob ${key} could not be deleted`);
        }
      }
    },

    list(prefix): AsyncIterable<BlobInfo> {
      return listUnder(root, prefix);
    },
  };
}

/**
 * Walks only the folder the prefix points into (prefix `2024/05/ab` reads `<root>/2024/05` and the entries
 * starting with `ab`), so the sweeper's listing of one prefix does not read the whole tree. The order is that of
 * the folders, not S3's byte order.
 */
async function* listUnder(root: string, prefix: string): AsyncGenerator<BlobInfo> {
  const folders = prefix.split("/");
  const namePrefix = folders.pop() ?? "";
  // A prefix whose folder part no key could have (absolute, "..", NUL...) matches nothing; it is never joined.
  if (folders.some((segment) => segmentProblem(segment) !== undefined)) return;
  yield* walk(join(root, ...folders), folders.join("/"), namePrefix);
}

async function* walk(folder: string, keyPrefix: string, namePrefix: string): AsyncGenerator<BlobInfo> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (cause) {
    if (isMissing(cause)) return;
    throw fsError(cause, `the blob folder ${folder} could not be listed`);
  }
  for (const entry of entries) {
    const name = entry.name;
    if (!name.startsWith(namePrefix) || name.startsWith(".") || name.endsWith(META_SUFFIX)) continue;
    const key = keyPrefix === "" ? name : `${keyPrefix}/${name}`;
    const path = join(folder, name);
    if (entry.isDirectory()) {
      yield* walk(path, key, "");
    } else if (entry.isFile()) {
      try {
        const info = await stat(path);
        yield { key, size: info.size, lastModified: info.mtime };
      } catch (cause) {
        // Deleted between readdir and stat: no longer part of the listing.
        if (!isMissing(cause)) throw fsError(cause, `blob ${key} could not be read`);
      }
    }
  }
}

async function readContentType(path: string): Promise<string> {
  try {
    const meta = JSON.parse(await readFile(`${path}${META_SUFFIX}`, "utf8")) as Partial<BlobMeta>;
    return typeof meta.contentType === "string" ? meta.contentType : DEFAULT_CONTENT_TYPE;
  } catch (cause) {
    if (isMissing(cause)) return DEFAULT_CONTENT_TYPE;
    throw cause;
  }
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** ENOTDIR: a part of the path is a blob, not a folder, so the blob asked for cannot exist. */
function isMissing(e: unknown): boolean {
  const code = codeOf(e);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A file where a folder is needed (or the reverse): the key collides with another blob's path. */
function conflictOr(cause: unknown, key: string): AppError {
  const code = codeOf(cause);
  if (code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR") {
    return new AppError("BLOB_KEY_CONFLICT", `blob ${key} collides with another blob's path (a blob cannot also be a folder)`, {
      cause,
    });
  }
  return fsError(cause, `blob ${key} could not be written`);
}

function fsError(cause: unknown, message: string): AppError {
  return new AppError("BLOB_FS_ERROR", `${message}: ${messageOf(cause)}`, { cause });
}
