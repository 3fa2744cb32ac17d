import type { Logger } from "@opendsp/platform";
import type { RepositoryDeps } from "../../repository-deps.js";
import { deletePending } from "../../storage/stored-document.repository.js";

/**
 * Undoes a submission that will not be registered: deletes the blobs it wrote, then its `pending` rows. Best effort,
 * never throws: the answer to the source must go out whatever happens here. What cannot be removed now (the store
 * or the database is down) is left for the orphan sweeper, which deletes pending rows and unreferenced blobs once
 * they are older than the grace period; rows are removed after their blobs so that a row always marks a blob that
 * may still exist.
 */
export async function discardDocuments(
  deps: RepositoryDeps,
  log: Logger,
  blobKeys: readonly string[],
  pendingRows: readonly { documentUniqueId: string; blobKey: string }[],
): Promise<void> {
  const results = await Promise.allSettled(blobKeys.map((key) => deps.blobs.delete(key)));
  const blobFailures = results.filter((r) => r.status === "rejected").length;
  const deletedKeys = new Set(blobKeys.filter((_key, i) => results[i]?.status === "fulfilled"));
  const rows = pendingRows.filter((r) => deletedKeys.has(r.blobKey));
  let rowFailures = pendingRows.length - rows.length;
  if (rows.length > 0) {
    try {
      await deletePending(deps.db, rows);
    } catch (err) {
      rowFailures = pendingRows.length;
      log.warn({ err, rows: rows.length }, "pending rows of a failed submission could not be deleted; the orphan sweeper will");
    }
  }
  if (blobFailures > 0) {
    log.warn({ blobs: blobKeys.length, failed: blobFailures, rowsKept: rowFailures }, "blobs of a failed submission could not be deleted; the orphan sweeper will");
  }
}
