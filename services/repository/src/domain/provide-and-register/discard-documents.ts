import type { Logger } from "@opendsp/platform";
import type { RepositoryDeps } from "../../repository-deps.js";
import { deletePending } from "../../storage/stored-document.repository.js";

/**
 * Undoes a submission that will not be registered: deletes the blobs it wrote and its `pending` rows. Best effort,
 * never throws: the answer to the source must go out whatever happens here. The rows go even when a blob delete
 * reports a failure (a slow store may have deleted it all the same): a blob left behind has no row and is old
 * soon, and the orphan sweeper deletes unreferenced blobs once they are older than the grace period.
 */
export async function discardDocuments(
  deps: RepositoryDeps,
  log: Logger,
  blobKeys: readonly string[],
  pendingRows: readonly { documentUniqueId: string; blobKey: string }[],
): Promise<void> {
  const results = await Promise.allSettled(blobKeys.map((key) => deps.blobs.delete(key)));
  const blobFailures = results.filter((r) => r.status === "rejected").length;
  if (pendingRows.length > 0) {
    try {
      await deletePending(deps.db, pendingRows);
    } catch (err) {
      log.warn({ err, rows: pendingRows.length }, "pending rows of a failed submission could not be deleted; the orphan sweeper will");
    }
  }
  if (blobFailures > 0) {
    log.warn({ blobs: blobKeys.length, failed: blobFailures }, "blobs of a failed submission could not be deleted; the orphan sweeper will");
  }
}
