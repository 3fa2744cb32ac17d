import {
  ERROR_SEVERITY,
  NS,
  firstChild,
  hasErrors,
  parseProvideAndRegisterRequest,
  registryResponseOf,
  toRegistryError,
  validateProvideAndRegister,
  xdsError,
  type RegistryResponse,
  type XdsError,
} from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import { SoapError, type SoapRequest } from "@opendsp/soap";
import type { RepositoryDeps } from "../../repository-deps.js";
import { findByUniqueIds, insertPending, markRegistered, type StoredDocument } from "../../storage/stored-document.repository.js";
import { discardDocuments } from "./discard-documents.js";
import { checkDeclaredHashAndSize, checkRepositoryRules, checkSameDocument } from "./iti-41-repository.rules.js";
import { registerDocumentSet } from "./iti-42-register.call.js";
import { DocumentStoreError } from "./measured-blob-put.js";
import { withRepositorySlots, type RepositorySlotValues } from "./repository-slots.js";
import { storeDocuments, type DocumentToStore, type StoredBlob } from "./store-documents.js";

/** What the submission is about, filled in as soon as the metadata is read, for its audit record. */
export interface SubmissionSubject {
  patientId: string | undefined;
  submissionSetUniqueId: string | undefined;
  documentUniqueIds: string[];
}

export function newSubject(): SubmissionSubject {
  return { patientId: undefined, submissionSetUniqueId: undefined, documentUniqueIds: [] };
}

/**
 * Provide and Register Document Set-b (ITI-41), Document Repository side (ITI TF-2b 3.41.4.1.3), all or nothing:
 *
 * 1. read the request (XDSRepositoryMetadataError when it cannot be read) and check its metadata, the pairing of
 *    Documents and DocumentEntries (XDSMissingDocument, XDSMissingDocumentMetadata) and the repository's own rules;
 * 2. stream every document into the blob store, computing SHA-1 and size on the way; compare them with what the
 *    source declared (XDSNonIdenticalHash, XDSNonIdenticalSize);
 *    A document this repository already holds (same uniqueId) is compared with the stored bytes, not stored again;
 * 3. record the new documents as `pending` in their own committed transaction, so that after a crash the sweeper
 *    finds them;
 * 4. set hash, size and repositoryUniqueId on each DocumentEntry and register the metadata with ITI-42;
 * 5. relay the registry's RegistryResponse. Success: the rows become `registered`. Anything else: the blobs and
 *    rows this submission created are deleted before the answer goes out (documents held from before stay).
 *
 * Problems with the message become a Failure RegistryResponse; only a broken MTOM package (truncated, over a
 * limit) is thrown as a SoapError and answered with a SOAP Fault, after the blobs already written are removed.
 */
export async function provideAndRegister(deps: RepositoryDeps, log: Logger, request: SoapRequest, subject: SubmissionSubject = newSubject()): Promise<RegistryResponse> {
  const parsed = parseProvideAndRegisterRequest(request.envelope.body, { metadataError: "XDSRepositoryMetadataError" });
  if (!parsed.ok) return refuse(log, parsed.errors, "unreadable request");
  const pnr = parsed.value;
  const validation = validateProvideAndRegister(pnr);
  const entries = validation.metadata.documentEntries;
  subject.patientId = validation.metadata.submissionSets[0]?.patientId;
  subject.submissionSetUniqueId = validation.metadata.submissionSets[0]?.uniqueId;
  subject.documentUniqueIds = entries.flatMap((de) => (de.uniqueId === undefined ? [] : [de.uniqueId]));
  const problems = [...parsed.warnings, ...validation.errors, ...checkRepositoryRules(entries, deps.config.REPOSITORY_UNIQUE_ID)];
  if (hasErrors(problems)) return refuse(log, problems, "invalid metadata");
  const warnings = problems;

  const byId = new Map(entries.map((de) => [de.entryUuid, de]));
  const uniqueIdOf = (entryId: string): string => byId.get(entryId)?.uniqueId ?? entryId;
  const submissionSetUniqueId = validation.metadata.submissionSets[0]?.uniqueId;
  const context = { submissionSetUniqueId, documents: pnr.documents.length };

  // A uniqueId names one document for ever (ITI TF-3 4.2.3.2.26). The same document may be provided again (a source
  // retrying after a lost answer, or the document in another submission set): its bytes are compared with the
  // stored ones instead of being stored twice, and the registry decides about the registration as it would for
  // any repeated DocumentEntry. A uniqueId whose first submission is still pending is refused.
  let held: Map<string, StoredDocument>;
  try {
    held = new Map((await findByUniqueIds(deps.db, pnr.documents.map((d) => uniqueIdOf(d.id)))).map((h) => [h.documentUniqueId, h]));
  } catch (err) {
    log.error({ err, ...context }, "ITI-41: the repository database is unavailable");
    return refuse(log, [xdsError("XDSRepositoryError", "The repository database is unavailable; nothing was stored")], "database unavailable");
  }
  const inFlight = [...held.values()].filter((h) => h.state === "pending");
  if (inFlight.length > 0) {
    return refuse(log, inFlight.map((h) => duplicate(h.documentUniqueId)), "uniqueId pending");
  }
  const documents: DocumentToStore[] = pnr.documents.map((d) => {
    const de = byId.get(d.id);
    const heldBlobKey = held.get(uniqueIdOf(d.id))?.blobKey;
    // validateProvideAndRegister guarantees an entry with uniqueId and mimeType for every Document at this point.
    return {
      entryId: d.id,
      uniqueId: uniqueIdOf(d.id),
      mimeType: de?.mimeType ?? "application/octet-stream",
      payload: d.payload,
      ...(heldBlobKey === undefined ? {} : { heldBlobKey }),
    };
  });

  // 2. The documents' bytes.
  const written: string[] = [];
  let stored: StoredBlob[];
  try {
    stored = await storeDocuments(deps.blobs, documents, request.http.attachments, written);
  } catch (err) {
    await discardDocuments(deps, log, written, []);
    if (err instanceof DocumentStoreError) {
      log.error({ err, ...context, blobs: written.length }, "ITI-41: the document store failed");
      return refuse(log, [xdsError("XDSRepositoryError", "The document store is unavailable; nothing was stored")], "document store unavailable");
    }
    if (err instanceof SoapError && (err.code === "MTOM_MISSING_PART" || err.code === "MTOM_BAD_INCLUDE")) {
      // ITI TF-2b 3.41.4.1.3: a DocumentEntry whose Document is not in the message is XDSMissingDocument; an
      // xop:Include that names no part of the package (XOP 1.0 §3) is exactly that.
      return refuse(log, [xdsError("XDSMissingDocument", err.message)], "missing MTOM part");
    }
    throw err;
  }

  const mismatches = stored.flatMap((s) => {
    const de = byId.get(s.entryId);
    const again = held.get(s.uniqueId);
    return [...(de ? checkDeclaredHashAndSize(de, s) : []), ...(again ? checkSameDocument(again, s) : [])];
  });
  if (mismatches.length > 0) {
    await discardDocuments(deps, log, written, []);
    return refuse(log, mismatches, "declared hash or size differ");
  }

  // 3. Pending rows, committed before the registry is called.
  const rows = stored.filter((s) => !s.alreadyHeld).map((s) => ({
    documentUniqueId: s.uniqueId,
    blobKey: s.blobKey,
    mimeType: s.mimeType,
    size: s.size,
    hash: s.hash,
    submissionSetUniqueId,
    patientId: byId.get(s.entryId)?.patientId,
  }));
  try {
    await deps.db.transaction().execute((trx) => insertPending(trx, rows));
  } catch (err) {
    await discardDocuments(deps, log, written, []);
    if (isUniqueViolation(err)) {
      // Another submission with the same uniqueId got in between our check and our insert.
      return refuse(log, rows.map((r) => duplicate(r.documentUniqueId)), "uniqueId already held");
    }
    log.error({ err, ...context }, "ITI-41: the repository database is unavailable");
    return refuse(log, [xdsError("XDSRepositoryError", "The repository database is unavailable; nothing was stored")], "database unavailable");
  }

  // 4. ITI-42 with the repository's values.
  const values = new Map<string, RepositorySlotValues>(
    stored.map((s) => [s.entryId, { hash: s.hash, size: s.size, repositoryUniqueId: deps.config.REPOSITORY_UNIQUE_ID }]),
  );
  const submitObjectsRequest = firstChild(request.envelope.body, NS.lcm, "SubmitObjectsRequest");
  if (!submitObjectsRequest) throw new Error("a parsed ProvideAndRegisterDocumentSetRequest has a SubmitObjectsRequest");
  const registration = await registerDocumentSet(deps.config, withRepositorySlots(submitObjectsRequest, values));

  // 5. Relay, keeping or undoing.
  const bytes = stored.reduce((n, s) => n + s.size, 0);
  if (!registration.registered) {
    await discardDocuments(deps, log, written, rows);
    log.info({ ...context, bytes, registry: registration.outcome }, "ITI-41 refused by the registry; documents discarded");
    return withWarnings(registration.response, warnings);
  }
  await confirm(deps, log, rows.map((r) => r.documentUniqueId), context);
  log.info({ ...context, bytes, registry: registration.outcome }, "ITI-41 stored and registered");
  return withWarnings(registration.response, warnings);
}

/**
 * The registry has the documents: mark them registered. A failure here must not turn the answer into a Failure
 * (the registry holds the entries); the rows stay `pending` and the orphan sweeper, which asks the registry before
 * deleting anything, marks them registered later. Retried once since a lost connection is the likely cause.
 */
async function confirm(deps: RepositoryDeps, log: Logger, uniqueIds: readonly string[], context: object): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const updated = await deps.db.transaction().execute((trx) => markRegistered(trx, uniqueIds));
      if (updated !== uniqueIds.length) {
        log.error({ ...context, updated }, "ITI-41: registered documents had lost their pending rows (grace period shorter than a submission?)");
      }
      return;
    } catch (err) {
      if (attempt === 2) log.error({ err, ...context }, "ITI-41: registered documents could not be marked registered; the sweeper will reconcile them");
    }
  }
}

function refuse(log: Logger, errors: readonly XdsError[], why: string): RegistryResponse {
  log.info({ errors: errors.length, codes: [...new Set(errors.map((e) => e.errorCode))], why }, "ITI-41 refused");
  return registryResponseOf(errors);
}

function duplicate(uniqueId: string): XdsError {
  return xdsError("XDSDuplicateUniqueIdInRegistry", `A document with uniqueId ${uniqueId} is being stored by another submission`, uniqueId);
}

/** The repository's own warnings (ITI TF-3 4.2.4: warnings may accompany a Success) go after the registry's errors. */
function withWarnings(response: RegistryResponse, warnings: readonly XdsError[]): RegistryResponse {
  const ours = warnings.filter((w) => w.severity === ERROR_SEVERITY.warning).map(toRegistryError);
  return ours.length === 0 ? response : { ...response, errors: [...response.errors, ...ours] };
}

function isUniqueViolation(err: unknown): boolean {
  // PostgreSQL unique_violation (SQLSTATE 23505), from pg and PGlite alike.
  return typeof err === "object" && err !== null && "code" in err && err.code === "23505";
}
