import {
  RESPONSE_STATUS,
  registryResponseOf,
  xdsError,
  type DocumentRequest,
  type DocumentResponse,
  type ResponseStatus,
  type RetrieveDocumentSetResponse,
  type XdsError,
} from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import { newContentId, xopHref, type MtomAttachmentSource } from "@opendsp/soap";
import type { RepositoryDeps } from "../../repository-deps.js";
import { findStoredDocuments, type StoredDocument } from "../../storage/stored-document.repository.js";

/** What ITI-43 answers: the response body and one lazily opened MTOM part per returned document. */
export interface RetrieveResult {
  readonly response: RetrieveDocumentSetResponse;
  readonly attachments: readonly MtomAttachmentSource[];
}

/**
 * ITI TF-2b 3.43.4.1.3 and 3.43.4.2.2: answers each DocumentRequest on its own. A request for another repository is
 * XDSUnknownRepositoryId; a document this repository does not hold (or holds but the registry never accepted,
 * state `pending`) is XDSDocumentUniqueIdError; a document whose bytes are gone from the blob store is
 * XDSRepositoryError. The bytes themselves are not read here: each found document becomes an xop:Include to its
 * own MIME part, whose body opens the blob only when the response stream reaches that part.
 */
export async function retrieveDocuments(
  deps: RepositoryDeps,
  requests: readonly DocumentRequest[],
  log: Logger,
): Promise<RetrieveResult> {
  const ours = requests.filter((r) => r.repositoryUniqueId === deps.config.REPOSITORY_UNIQUE_ID);
  const rows = ours.length === 0 ? [] : await findStoredDocuments(deps.db, [...new Set(ours.map((r) => r.documentUniqueId))]);
  const registered = new Map(rows.filter((r) => r.state === "registered").map((r) => [r.documentUniqueId, r]));
  // The blobs are checked before answering, so that a lost blob is an error in the status rather than a
  // response that breaks off halfway through its MIME parts.
  const present = await presentBlobs(deps, [...registered.values()], log);

  const errors: XdsError[] = [];
  const documentResponses: DocumentResponse[] = [];
  const attachments: MtomAttachmentSource[] = [];
  for (const request of requests) {
    const uniqueId = request.documentUniqueId;
    if (request.repositoryUniqueId !== deps.config.REPOSITORY_UNIQUE_ID) {
      errors.push(xdsError("XDSUnknownRepositoryId", `repositoryUniqueId ${request.repositoryUniqueId} is not this repository`, uniqueId));
      continue;
    }
    const row = registered.get(uniqueId);
    if (!row) {
      errors.push(xdsError("XDSDocumentUniqueIdError", `document ${uniqueId} is not held by this repository`, uniqueId));
      continue;
    }
    if (!present.has(row.blobKey)) {
      errors.push(xdsError("XDSRepositoryError", `the content of document ${uniqueId} is not available`, uniqueId));
      continue;
    }
    const contentId = newContentId();
    const blobKey = row.blobKey;
    attachments.push({ contentId, contentType: row.mimeType, body: () => deps.blobs.get(blobKey) });
    documentResponses.push({
      ...(request.homeCommunityId === undefined ? {} : { homeCommunityId: request.homeCommunityId }),
      repositoryUniqueId: deps.config.REPOSITORY_UNIQUE_ID,
      documentUniqueId: uniqueId,
      mimeType: row.mimeType,
      payload: { kind: "xop", href: xopHref(contentId) },
    });
  }

  const status = retrieveStatus(documentResponses.length, requests.length);
  // debug: the endpoint already logs one line per request, and a second one costs measurably at high rates.
  log.debug({ requested: requests.length, returned: documentResponses.length, errors: errors.length }, "ITI-43 retrieve");
  return { response: { registryResponse: registryResponseOf(errors, status), documentResponses }, attachments };
}

/** ITI TF-2b 3.43.4.2.2: Success when every document is returned, PartialSuccess when some are, else Failure. */
export function retrieveStatus(returned: number, requested: number): ResponseStatus {
  if (returned === 0) return RESPONSE_STATUS.failure;
  return returned === requested ? RESPONSE_STATUS.success : RESPONSE_STATUS.partialSuccess;
}

/** The blob keys the store holds; a store that cannot answer counts as missing (reported as XDSRepositoryError). */
async function presentBlobs(deps: RepositoryDeps, rows: readonly StoredDocument[], log: Logger): Promise<Set<string>> {
  const present = new Set<string>();
  await Promise.all(
    rows.map(async (row) => {
      try {
        if (await deps.blobs.stat(row.blobKey)) present.add(row.blobKey);
        else log.error({ blobKey: row.blobKey }, "ITI-43: a registered document has no blob");
      } catch (err) {
        log.error({ blobKey: row.blobKey, err }, "ITI-43: the blob store did not answer");
      }
    }),
  );
  return present;
}
