import type { SubmitObjectsRequest } from "../messages/submit-objects-request.js";
import { xdsMetadataFromRim, type XdsMetadata } from "../metadata/xds-metadata.js";
import { Problems } from "../problems.js";
import type { XdsErrorCode } from "../vocabulary.js";
import type { XdsError } from "../xds-error.js";
import { checkAssociations } from "./rules/association.rules.js";
import { checkCardinality } from "./rules/cardinality.rules.js";
import { checkDocumentEntries } from "./rules/document-entry.rules.js";
import { checkFolders } from "./rules/folder.rules.js";
import { checkIdentity } from "./rules/identity.rules.js";
import { checkSubmissionSets } from "./rules/submission-set.rules.js";
import { buildSubmissionModel, type Transaction } from "./rules/submission-model.js";

export type { Transaction } from "./rules/submission-model.js";

export interface ValidateSubmissionOptions {
  /** ITI-41 (Document Source to Repository) or ITI-42 (Repository to Registry): hash, size, repositoryUniqueId differ. */
  readonly transaction: Transaction;
  /**
   * Code of the generic metadata errors. Default: XDSRepositoryMetadataError for ITI-41, XDSRegistryMetadataError for
   * ITI-42 (ITI TF-3 Table 4.2.4.1-2).
   */
  readonly metadataError?: XdsErrorCode;
}

export interface SubmissionValidation {
  /** The XDS views of the submission, as received. */
  readonly metadata: XdsMetadata;
  /** Every problem found, errors and warnings, each with its location; empty for a conformant submission. */
  readonly errors: readonly XdsError[];
}

/**
 * Checks a Register (ITI-42) or the metadata of a Provide and Register (ITI-41) submission against ITI TF-3 4.1
 * and 4.2, with no registry state: required attributes, formats, cardinality, ids, patient consistency and
 * associations. Every problem is reported at once; nothing is thrown. Checks that need the registry (unknown
 * patient, references to registered objects, affinity-domain codes) come later.
 */
export function validateSubmission(request: SubmitObjectsRequest, options: ValidateSubmissionOptions): SubmissionValidation {
  const metadataError = options.metadataError ?? defaultMetadataError(options.transaction);
  const findings = new Problems(metadataError);
  const metadata = xdsMetadataFromRim(request.objects, findings);
  const model = buildSubmissionModel(request, metadata, options.transaction);
  checkSubmissionSets(model, findings);
  checkDocumentEntries(model, findings);
  checkFolders(model, findings);
  checkCardinality(model, findings);
  checkIdentity(model, findings);
  checkAssociations(model, findings);
  return { metadata, errors: findings.list };
}

export function defaultMetadataError(transaction: Transaction): XdsErrorCode {
  return transaction === "ITI-41" ? "XDSRepositoryMetadataError" : "XDSRegistryMetadataError";
}
