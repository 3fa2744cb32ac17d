import { AppError } from "../errors/app-error.js";

/** S3's limit on a key, in bytes of UTF-8; the folder store keeps it too so switching stores never breaks a key. */
const MAX_KEY_BYTES = 1024;

/**
 * Name suffix of the folder store's content-type sidecars. Keys may not end with it, so no blob can shadow the
 * sidecar of another.
 */
export const META_SUFFIX = ".meta.json";

/** What `stat` reports when the blob was stored without a content type (the same in both stores). */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/**
 * Refuses keys that cannot be stored the same way in S3 and in a folder: empty, longer than 1024 bytes, with a
 * control character (NUL included) or a backslash, absolute, with an empty segment ("a//b", trailing "/"), with a
 * segment starting with "." ("." and ".." included; the folder store's temporary files start with "."), or ending
 * with ".meta.json". Both stores apply the same rule, so the contract does not depend on the backend.
 */
export function assertValidBlobKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new AppError("BLOB_BAD_KEY", `refused blob key ${JSON.stringify(key)}: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "empty";
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.endsWith(META_SUFFIX)) return `ends with ${META_SUFFIX}`;
  for (const segment of key.split("/")) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Why one "/"-separated segment of a key cannot be a folder or file name; undefined when it can. */
export function segmentProblem(segment: string): string | undefined {
  if (segment === "") return "empty segment (absolute key, '//' or trailing '/')";
  if (segment.startsWith(".")) return "segment starting with '.'";
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f\\]/.test(segment)) return "control character or backslash";
  return undefined;
}
