import { randomUUID } from "node:crypto";

/** Every document blob lives under this prefix; the orphan sweeper lists only it. */
export const DOCUMENT_BLOB_PREFIX = "documents/";

/**
 * A fresh blob key `documents/<yyyy>/<mm>/<random uuid>` (UTC). The key says nothing about the document: no
 * patient id, no uniqueId, no file name, so a bucket listing or a storage log reveals no care information, and a
 * uniqueId resubmitted after a failed attempt never meets the blobs of that attempt. The year/month folders keep
 * listings and lifecycle rules manageable. The mapping uniqueId -> key is the stored_document table.
 */
export function newDocumentBlobKey(now: Date = new Date()): string {
  const yyyy = String(now.getUTCFullYear()).padStart(4, "0");
  const mm = String(now.getUTCMonth() + 1).padStart(2, "0");
  return `${DOCUMENT_BLOB_PREFIX}${yyyy}/${mm}/${randomUUID()}`;
}
