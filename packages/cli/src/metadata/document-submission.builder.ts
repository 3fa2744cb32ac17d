import {
  ASSOCIATION_TYPE,
  emptyDocumentEntry,
  xdsMetadataToRim,
  type Author,
  type Code,
  type DocumentEntry,
  type ProvideAndRegisterDocumentSetRequest,
  type SubmissionSet,
} from "@opendsp/ebxml";
import { xopHref } from "@opendsp/soap";

/** What one published document is, as the command knows it before sending. */
export interface DocumentSubmissionInput {
  readonly patientId: string;
  /** PID-3, PID-5, PID-7, PID-8 lines of sourcePatientInfo (ITI TF-3 4.2.3.2.23), may be empty. */
  readonly sourcePatientInfo: readonly string[];
  readonly classCode: Code;
  readonly typeCode: Code;
  readonly formatCode: Code;
  readonly facilityType: Code;
  readonly practiceSetting: Code;
  readonly confidentiality: readonly Code[];
  readonly eventCodes?: readonly Code[];
  readonly mimeType: string;
  readonly title: string;
  readonly languageCode: string;
  readonly creationTime: string;
  readonly serviceStartTime?: string;
  readonly serviceStopTime?: string;
  readonly authors: readonly Author[];
  /** Only when the user names the repository; the repository adds its own otherwise (ITI TF-2b 3.41.4.1.3). */
  readonly repositoryUniqueId?: string;
  readonly ids: SubmissionIds;
  readonly submissionTime: string;
  readonly sourceId: string;
  /** The Content-ID of the MTOM part holding the document. */
  readonly contentId: string;
}

export interface SubmissionIds {
  readonly documentUniqueId: string;
  readonly submissionSetUniqueId: string;
  readonly entryUuid: string;
  readonly submissionSetUuid: string;
  readonly associationUuid: string;
}

export interface DocumentSubmission {
  readonly request: ProvideAndRegisterDocumentSetRequest;
  readonly entry: DocumentEntry;
  readonly submissionSet: SubmissionSet;
}

/**
 * ITI-41 Provide and Register for one document (ITI TF-2b 3.41.4.1.2): a SubmissionSet, one DocumentEntry, the
 * SubmissionSet-HasMember association (submissionSetStatus Original, ITI TF-3 4.2.2.1.1), and the xdsb:Document
 * as an xop:Include of an MTOM part. Hash and size are left to the repository, which measures the bytes it gets.
 */
export function buildDocumentSubmission(input: DocumentSubmissionInput): DocumentSubmission {
  const { ids } = input;
  const entry = emptyDocumentEntry(ids.entryUuid, {
    mimeType: input.mimeType,
    title: { value: input.title },
    patientId: input.patientId,
    uniqueId: ids.documentUniqueId,
    sourcePatientId: input.patientId,
    sourcePatientInfo: input.sourcePatientInfo,
    authors: input.authors,
    classCode: input.classCode,
    confidentialityCodes: input.confidentiality,
    eventCodes: input.eventCodes ?? [],
    formatCode: input.formatCode,
    healthcareFacilityTypeCode: input.facilityType,
    practiceSettingCode: input.practiceSetting,
    typeCode: input.typeCode,
    creationTime: input.creationTime,
    languageCode: input.languageCode,
    ...(input.serviceStartTime === undefined ? {} : { serviceStartTime: input.serviceStartTime }),
    ...(input.serviceStopTime === undefined ? {} : { serviceStopTime: input.serviceStopTime }),
    ...(input.repositoryUniqueId === undefined ? {} : { repositoryUniqueId: input.repositoryUniqueId }),
  });
  const submissionSet: SubmissionSet = {
    entryUuid: ids.submissionSetUuid,
    title: { value: input.title },
    patientId: input.patientId,
    uniqueId: ids.submissionSetUniqueId,
    sourceId: input.sourceId,
    submissionTime: input.submissionTime,
    authors: input.authors,
    contentTypeCode: input.classCode,
    intendedRecipients: [],
    limitedMetadata: false,
    extraSlots: [],
  };
  const objects = xdsMetadataToRim({
    submissionSets: [submissionSet],
    documentEntries: [entry],
    folders: [],
    associations: [
      {
        entryUuid: ids.associationUuid,
        associationType: ASSOCIATION_TYPE.hasMember,
        sourceUuid: ids.submissionSetUuid,
        targetUuid: ids.entryUuid,
        submissionSetStatus: "Original",
        extraSlots: [],
      },
    ],
    objectRefs: [],
  });
  return {
    request: {
      submitObjectsRequest: { requestSlots: [], objects },
      documents: [{ id: ids.entryUuid, payload: { kind: "xop", href: xopHref(input.contentId) } }],
    },
    entry,
    submissionSet,
  };
}
