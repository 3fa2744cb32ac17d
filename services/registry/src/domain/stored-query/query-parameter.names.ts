import type { ParamSpec } from "./query-parameters.js";

/** Stored-query parameter names (ITI TF-2a 3.18.4.1.2.3.7; LogicalID and $MetadataLevel from 3.18.4.1.2.3.5.1). */
export const P = {
  dePatientId: "$XDSDocumentEntryPatientId",
  deClassCode: "$XDSDocumentEntryClassCode",
  deTypeCode: "$XDSDocumentEntryTypeCode",
  dePracticeSettingCode: "$XDSDocumentEntryPracticeSettingCode",
  deCreationTimeFrom: "$XDSDocumentEntryCreationTimeFrom",
  deCreationTimeTo: "$XDSDocumentEntryCreationTimeTo",
  deServiceStartTimeFrom: "$XDSDocumentEntryServiceStartTimeFrom",
  deServiceStartTimeTo: "$XDSDocumentEntryServiceStartTimeTo",
  deServiceStopTimeFrom: "$XDSDocumentEntryServiceStopTimeFrom",
  deServiceStopTimeTo: "$XDSDocumentEntryServiceStopTimeTo",
  deHealthcareFacilityTypeCode: "$XDSDocumentEntryHealthcareFacilityTypeCode",
  deEventCodeList: "$XDSDocumentEntryEventCodeList",
  deConfidentialityCode: "$XDSDocumentEntryConfidentialityCode",
  deAuthorPerson: "$XDSDocumentEntryAuthorPerson",
  deFormatCode: "$XDSDocumentEntryFormatCode",
  deStatus: "$XDSDocumentEntryStatus",
  deType: "$XDSDocumentEntryType",
  deReferenceIdList: "$XDSDocumentEntryReferenceIdList",
  deEntryUuid: "$XDSDocumentEntryEntryUUID",
  deUniqueId: "$XDSDocumentEntryUniqueId",
  deLogicalId: "$XDSDocumentEntryLogicalID",
  ssPatientId: "$XDSSubmissionSetPatientId",
  ssSourceId: "$XDSSubmissionSetSourceId",
  ssSubmissionTimeFrom: "$XDSSubmissionSetSubmissionTimeFrom",
  ssSubmissionTimeTo: "$XDSSubmissionSetSubmissionTimeTo",
  ssAuthorPerson: "$XDSSubmissionSetAuthorPerson",
  ssContentType: "$XDSSubmissionSetContentType",
  ssStatus: "$XDSSubmissionSetStatus",
  ssEntryUuid: "$XDSSubmissionSetEntryUUID",
  ssUniqueId: "$XDSSubmissionSetUniqueId",
  folderPatientId: "$XDSFolderPatientId",
  folderLastUpdateTimeFrom: "$XDSFolderLastUpdateTimeFrom",
  folderLastUpdateTimeTo: "$XDSFolderLastUpdateTimeTo",
  folderCodeList: "$XDSFolderCodeList",
  folderStatus: "$XDSFolderStatus",
  folderEntryUuid: "$XDSFolderEntryUUID",
  folderUniqueId: "$XDSFolderUniqueId",
  folderLogicalId: "$XDSFolderLogicalID",
  patientId: "$patientId",
  uuid: "$uuid",
  associationTypes: "$AssociationTypes",
  homeCommunityId: "$homeCommunityId",
  metadataLevel: "$MetadataLevel",
} as const;

/**
 * Accepted by every query: $homeCommunityId (meant for XCA routing; a registry answers for itself) and
 * $MetadataLevel (this registry keeps one version per object, so level 2 answers like level 1).
 */
export const COMMON_PARAMS: readonly ParamSpec[] = [
  { name: P.homeCommunityId, type: "text" },
  { name: P.metadataLevel, type: "metadataLevel" },
];

/** The DocumentEntry filters shared by FindDocuments and FindDocumentsByReferenceId (ITI TF-2a 3.18.4.1.2.3.7.1). */
export const DOCUMENT_ENTRY_FILTER_PARAMS: readonly ParamSpec[] = [
  { name: P.dePatientId, type: "text", required: true },
  { name: P.deClassCode, type: "codes" },
  { name: P.deTypeCode, type: "codes" },
  { name: P.dePracticeSettingCode, type: "codes" },
  { name: P.deCreationTimeFrom, type: "time" },
  { name: P.deCreationTimeTo, type: "time" },
  { name: P.deServiceStartTimeFrom, type: "time" },
  { name: P.deServiceStartTimeTo, type: "time" },
  { name: P.deServiceStopTimeFrom, type: "time" },
  { name: P.deServiceStopTimeTo, type: "time" },
  { name: P.deHealthcareFacilityTypeCode, type: "codes" },
  { name: P.deEventCodeList, type: "codes", andOr: true },
  { name: P.deConfidentialityCode, type: "codes", andOr: true },
  { name: P.deAuthorPerson, type: "texts" },
  { name: P.deFormatCode, type: "codes" },
  { name: P.deStatus, type: "statuses", required: true },
  { name: P.deType, type: "documentTypes" },
];
