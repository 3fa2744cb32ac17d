import type { ProvideAndRegisterDocumentSetRequest } from "../messages/provide-and-register-request.js";
import type { XdsErrorCode } from "../vocabulary.js";
import { xdsError } from "../xds-error.js";
import { validateSubmission, type SubmissionValidation } from "./validate-submission.js";

export interface ValidateProvideAndRegisterOptions {
  /** Code of the generic metadata errors; XDSRepositoryMetadataError by default (ITI TF-3 Table 4.2.4.1-2). */
  readonly metadataError?: XdsErrorCode;
}

/**
 * Provide and Register Document Set-b (ITI TF-2b 3.41.4.1.3): the metadata rules of ITI-41, and one xdsb:Document
 * per DocumentEntry and one DocumentEntry per xdsb:Document, matched by id.
 */
export function validateProvideAndRegister(
  req: ProvideAndRegisterDocumentSetRequest,
  options: ValidateProvideAndRegisterOptions = {},
): SubmissionValidation {
  const metadataError = options.metadataError ?? "XDSRepositoryMetadataError";
  const result = validateSubmission(req.submitObjectsRequest, { transaction: "ITI-41", metadataError });
  const errors = [...result.errors];

  const documents = new Map<string, number>();
  for (const d of req.documents) documents.set(d.id, (documents.get(d.id) ?? 0) + 1);
  for (const [id, count] of documents) {
    if (count > 1) errors.push(xdsError(metadataError, `${count} xdsb:Document elements have the id '${id}': one per DocumentEntry (ITI TF-2b 3.41.4.1.2)`, id));
  }

  const entries = new Set<string>();
  for (const de of result.metadata.documentEntries) {
    entries.add(de.entryUuid);
    if (!documents.has(de.entryUuid)) {
      const at = de.uniqueId ? `${de.entryUuid} (${de.uniqueId})` : de.entryUuid;
      errors.push(xdsError("XDSMissingDocument", `XDSDocumentEntry ${de.entryUuid} has no xdsb:Document with id '${de.entryUuid}' (ITI TF-2b 3.41.4.1.3)`, at));
    }
  }
  for (const id of documents.keys()) {
    if (!entries.has(id)) {
      errors.push(xdsError("XDSMissingDocumentMetadata", `xdsb:Document '${id}' names no DocumentEntry (ExtrinsicObject) of the submission (ITI TF-2b 3.41.4.1.3)`, id));
    }
  }
  return { metadata: result.metadata, errors };
}
