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
import { BlobNotFoundError, type Logger } from "@opendsp/platform";
import type { Readable } from "node:stream";
import { newContentId, xopHref, type MtomAttachmentSource } from "@opendsp/soap";
import type { RepositoryDeps } from "../../repository-deps.js";
import { findStoredDocuments, type StoredDocument } from "../../storage/stored-document.repository.js";

/** What ITI-43 answers: the response body and one lazily opened MTOM part per returned document. */
export interface RetrieveResult {
  readonly response: RetrieveDocumentSetResponse;
  readonly attachments: readonly MtomAttachmentSource[];
  /** The patients of the returned documents, as stored with them, for the audit record. */
  readonly patientIds: readonly string[];
}

/**
 * ITI TF-2b 3.43.4.1.3 and 3.43.4.2.2: answers each DocumentRequest on its own. A request for another repository is
 * XDSUnknownRepositoryId; a document this repository does not hold (or holds but the registry never accepted,
 * state `pending`) is XDSDocumentUniqueIdError; a document whose bytes are gone from the blob store is
 * XDSRepositoryError. The bytes themselves are not read here: each found document becomes an xop:Include to its
 * own MIME part, whose body opens the blob only when the response stream reaches that part.
 *
 * `hidden` are the uniqueIds the gateway's access restriction hides from the actor: each is answered exactly as a
 * document this repository does not hold (same error, same text, same effect on the status), so the answer does not
 * tell that it exists; it is never looked up and its blob is never opened.
 */
export async function retrieveDocuments(
  deps: RepositoryDeps,
  requests: readonly DocumentRequest[],
  log: Logger,
  hidden: ReadonlySet<string> = new Set(),
): Promise<RetrieveResult> {
  const ours = requests.filter((r) => r.repositoryUniqueId === deps.config.REPOSITORY_UNIQUE_ID && !hidden.has(r.documentUniqueId));
  const rows = ours.length === 0 ? [] : await findStoredDocuments(deps.db, [...new Set(ours.map((r) => r.documentUniqueId))]);
  const registered = new Map(rows.filter((r) => r.state === "registered").map((r) => [r.documentUniqueId, r]));
  // Every blob is known to be there before answering, so that a lost blob is an error in the status rather than a
  // response that breaks off halfway through its MIME parts.
  const blobs = await openBlobs(deps, [...registered.values()], log);

  const errors: XdsError[] = [];
  const documentResponses: DocumentResponse[] = [];
  const attachments: MtomAttachmentSource[] = [];
  const usedStreams = new Set<Readable>();
  for (const request of requests) {
    const uniqueId = request.documentUniqueId;
    if (request.repositoryUniqueId !== deps.config.REPOSITORY_UNIQUE_ID) {
      errors.push(xdsError("XDSUnknownRepositoryId", `repositoryUniqueId ${request.repositoryUniqueId} is not this repository`, uniqueId));
      continue;
    }
    const row = hidden.has(uniqueId) ? undefined : registered.get(uniqueId);
    if (!row) {
      errors.push(notHeld(uniqueId));
      continue;
    }
    const blob = blobs.get(row.blobKey);
    if (!blob) {
      errors.push(xdsError("XDSRepositoryError", `the content of document ${uniqueId} is not available`, uniqueId));
      continue;
    }
    const contentId = newContentId();
    // An opened stream serves one part; the same document asked for twice opens again for its second part.
    const body = typeof blob === "function" || !usedStreams.has(blob) ? blob : () => deps.blobs.get(row.blobKey);
    if (typeof body !== "function") usedStreams.add(body);
    // The size recorded when the document was stored: the answer then carries a Content-Length, and a blob whose
    // length differs from the record fails the answer instead of delivering other bytes than were registered.
    attachments.push({ contentId, contentType: row.mimeType, body, size: row.size });
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
  const patientIds = [...new Set(documentResponses.flatMap((d) => registered.get(d.documentUniqueId)?.patientId ?? []))];
  return { response: { registryResponse: registryResponseOf(errors, status), documentResponses }, attachments, patientIds };
}

/** ITI TF-2b 3.43.4.1.3: a document this repository does not hold, and likewise one the actor may not see. */
function notHeld(uniqueId: string): XdsError {
  return xdsError("XDSDocumentUniqueIdError", `document ${uniqueId} is not held by this repository`, uniqueId);
}

/** ITI TF-2b 3.43.4.2.2: Success when every document is returned, PartialSuccess when some are, else Failure. */
export function retrieveStatus(returned: number, requested: number): ResponseStatus {
  if (returned === 0) return RESPONSE_STATUS.failure;
  return returned === requested ? RESPONSE_STATUS.success : RESPONSE_STATUS.partialSuccess;
}

/**
 * Documents opened at once, before answering: opening both proves the blob is there and starts its transfer, one
 * blob-store request per document. Beyond this many, a document is checked with a stat and opened only when the
 * response reaches its part, so a request for many documents never holds many blob-store connections at once.
 */
export const EAGERLY_OPENED_DOCUMENTS = 8;

/** A registered document's bytes: a stream already opened, or a factory for one known to exist. */
type BlobSource = Readable | (() => Promise<Readable>);

/** The blobs the store holds, by key; a store that cannot answer counts as missing (reported as XDSRepositoryError). */
async function openBlobs(deps: RepositoryDeps, rows: readonly StoredDocument[], log: Logger): Promise<Map<string, BlobSource>> {
  const sources = new Map<string, BlobSource>();
  const keys = [...new Set(rows.map((r) => r.blobKey))];
  await Promise.all(
    keys.map(async (key, i) => {
      try {
        if (i < EAGERLY_OPENED_DOCUMENTS) sources.set(key, await deps.blobs.get(key));
        else if (await deps.blobs.stat(key)) sources.set(key, () => deps.blobs.get(key));
        else log.error({ blobKey: key }, "ITI-43: a registered document has no blob");
      } catch (err) {
        if (err instanceof BlobNotFoundError) log.error({ blobKey: key }, "ITI-43: a registered document has no blob");
        else log.error({ blobKey: key, err }, "ITI-43: the blob store did not answer");
      }
    }),
  );
  return sources;
}
