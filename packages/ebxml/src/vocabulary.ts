/**
 * The XDS.b vocabulary: namespaces, status and severity URNs, object types, association types, classification
 * schemes, external identifier schemes, stored query ids and error codes. Every UUID lives here and nowhere else.
 * Sources: ITI TF-3 4.2.5 (metadata UUIDs), ITI TF-2a 3.18.4.1.2.3.7 (stored query ids), ITI TF-3 4.2.4 (error codes),
 * ebRS 3.0 (status types).
 */

export const NS = {
  soap12: "http://www.w3.org/2003/05/soap-envelope",
  soap11: "http://schemas.xmlsoap.org/soap/envelope/",
  wsa: "http://www.w3.org/2005/08/addressing",
  xop: "http://www.w3.org/2004/08/xop/include",
  xmime: "http://www.w3.org/2004/11/xmlmime",
  rim: "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0",
  rs: "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0",
  lcm: "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0",
  query: "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0",
  xdsb: "urn:ihe:iti:xds-b:2007",
  rmd: "urn:ihe:iti:rmd:2017",
  hl7v3: "urn:hl7-org:v3",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xml: "http://www.w3.org/XML/1998/namespace",
  ebxml21Rim: "urn:oasis:names:tc:ebxml-regrep:rim:xsd:2.1",
  ebxml21Rs: "urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1",
} as const;

/** RegistryResponse/@status and AdhocQueryResponse/@status (ebRS 3.0; PartialSuccess is IHE's, ITI TF-3 4.2.4). */
export const RESPONSE_STATUS = {
  success: "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success",
  failure: "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure",
  partialSuccess: "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess",
} as const;
export type ResponseStatus = (typeof RESPONSE_STATUS)[keyof typeof RESPONSE_STATUS];

export const ERROR_SEVERITY = {
  error: "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error",
  warning: "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning",
} as const;
export type ErrorSeverity = (typeof ERROR_SEVERITY)[keyof typeof ERROR_SEVERITY];

/** Object status (availabilityStatus) of registry objects. */
export const OBJECT_STATUS = {
  approved: "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved",
  deprecated: "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated",
  submitted: "urn:oasis:names:tc:ebxml-regrep:StatusType:Submitted",
} as const;

/** ebRIM object types of the generic registry objects. */
export const RIM_OBJECT_TYPE = {
  registryPackage: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage",
  association: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association",
  classification: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification",
  externalIdentifier: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier",
  extrinsicObject: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExtrinsicObject",
} as const;

/** DocumentEntry objectType (ITI TF-3 4.2.5.2): stable or on-demand. */
export const DOCUMENT_ENTRY_TYPE = {
  stable: "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1",
  onDemand: "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248",
} as const;

export const ASSOCIATION_TYPE = {
  hasMember: "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember",
  replace: "urn:ihe:iti:2007:AssociationType:RPLC",
  transform: "urn:ihe:iti:2007:AssociationType:XFRM",
  append: "urn:ihe:iti:2007:AssociationType:APND",
  transformAndReplace: "urn:ihe:iti:2007:AssociationType:XFRM_RPLC",
  signs: "urn:ihe:iti:2007:AssociationType:signs",
  updateAvailabilityStatus: "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus",
  submitAssociation: "urn:ihe:iti:2010:AssociationType:SubmitAssociation",
  isSnapshotOf: "urn:ihe:iti:2010:AssociationType:IsSnapshotOf",
} as const;
export type AssociationTypeUrn = (typeof ASSOCIATION_TYPE)[keyof typeof ASSOCIATION_TYPE];

export const DOCUMENT_AVAILABILITY = {
  online: "urn:ihe:iti:2010:DocumentAvailability:Online",
  offline: "urn:ihe:iti:2010:DocumentAvailability:Offline",
} as const;

/** Classification schemes (ITI TF-3 Table 4.2.5-1). */
export const CLASSIFICATION_SCHEME = {
  documentEntryAuthor: "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d",
  documentEntryClassCode: "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a",
  documentEntryConfidentialityCode: "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
  documentEntryEventCodeList: "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4",
  documentEntryFormatCode: "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d",
  documentEntryHealthcareFacilityTypeCode: "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1",
  documentEntryPracticeSettingCode: "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
  documentEntryTypeCode: "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983",
  submissionSetAuthor: "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d",
  submissionSetContentTypeCode: "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500",
  folderCodeList: "urn:uuid:1ba97051-7806-41a8-a48b-8fce7af683c5",
  associationDocumentation: "urn:uuid:abd807a3-4432-4053-87b4-fd82c643d1f3",
} as const;

/** Classification nodes that mark what a RegistryPackage or ExtrinsicObject is. */
export const CLASSIFICATION_NODE = {
  submissionSet: "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd",
  folder: "urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2",
  documentEntryLimitedMetadata: "urn:uuid:ab9b591b-83ab-4d03-8f5d-f93b1fb92e85",
  submissionSetLimitedMetadata: "urn:uuid:5003a9db-8d8d-49e6-bf0c-990e34ac7707",
  folderLimitedMetadata: "urn:uuid:2c144a76-29a9-4b7c-af54-b25409fe7d03",
} as const;

/** ExternalIdentifier identificationScheme UUIDs and their Name values (ITI TF-3 4.2.3). */
export const IDENTIFICATION_SCHEME = {
  documentEntryPatientId: "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427",
  documentEntryUniqueId: "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab",
  submissionSetPatientId: "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446",
  submissionSetUniqueId: "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8",
  submissionSetSourceId: "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832",
  folderPatientId: "urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a",
  folderUniqueId: "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a",
} as const;

export const IDENTIFICATION_SCHEME_NAME: Readonly<Record<string, string>> = {
  [IDENTIFICATION_SCHEME.documentEntryPatientId]: "XDSDocumentEntry.patientId",
  [IDENTIFICATION_SCHEME.documentEntryUniqueId]: "XDSDocumentEntry.uniqueId",
  [IDENTIFICATION_SCHEME.submissionSetPatientId]: "XDSSubmissionSet.patientId",
  [IDENTIFICATION_SCHEME.submissionSetUniqueId]: "XDSSubmissionSet.uniqueId",
  [IDENTIFICATION_SCHEME.submissionSetSourceId]: "XDSSubmissionSet.sourceId",
  [IDENTIFICATION_SCHEME.folderPatientId]: "XDSFolder.patientId",
  [IDENTIFICATION_SCHEME.folderUniqueId]: "XDSFolder.uniqueId",
};

/** Slot names of the XDS metadata model (ITI TF-3 4.2.3.2, 4.2.3.3, 4.2.3.4). */
export const SLOT = {
  creationTime: "creationTime",
  serviceStartTime: "serviceStartTime",
  serviceStopTime: "serviceStopTime",
  hash: "hash",
  size: "size",
  repositoryUniqueId: "repositoryUniqueId",
  languageCode: "languageCode",
  legalAuthenticator: "legalAuthenticator",
  sourcePatientId: "sourcePatientId",
  sourcePatientInfo: "sourcePatientInfo",
  uri: "URI",
  referenceIdList: "urn:ihe:iti:xds:2013:referenceIdList",
  documentAvailability: "documentAvailability",
  submissionTime: "submissionTime",
  intendedRecipient: "intendedRecipient",
  lastUpdateTime: "lastUpdateTime",
  codingScheme: "codingScheme",
  authorPerson: "authorPerson",
  authorInstitution: "authorInstitution",
  authorRole: "authorRole",
  authorSpecialty: "authorSpecialty",
  authorTelecommunication: "authorTelecommunication",
  submissionSetStatus: "SubmissionSetStatus",
  previousVersion: "PreviousVersion",
  originalStatus: "OriginalStatus",
  newStatus: "NewStatus",
  associationPropagation: "AssociationPropagation",
  homeCommunityId: "homeCommunityId",
} as const;

/** Registry Stored Query ids (ITI TF-2a 3.18.4.1.2.3.7; MPQ: ITI TF-2b 3.51). */
export const STORED_QUERY = {
  findDocuments: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
  findSubmissionSets: "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9",
  findFolders: "urn:uuid:958f3006-baad-4929-a4de-ff1114824431",
  getAll: "urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3",
  getDocuments: "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4",
  getFolders: "urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4",
  getAssociations: "urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155",
  getDocumentsAndAssociations: "urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a",
  getSubmissionSets: "urn:uuid:51224314-5390-4169-9b91-b1980040715a",
  getSubmissionSetAndContents: "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83",
  getFolderAndContents: "urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7",
  getFoldersForDocument: "urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578",
  getRelatedDocuments: "urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6",
  findDocumentsByReferenceId: "urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492",
  findDocumentsForMultiplePatients: "urn:uuid:3d1bdb10-39a2-11de-89c2-2f44d94eaa9f",
  findFoldersForMultiplePatients: "urn:uuid:50d3f5ac-39a2-11de-a1ca-b366239e58df",
} as const;
export type StoredQueryName = keyof typeof STORED_QUERY;

/**
 * The stored-query parameters that name the patient whose record is queried (ITI TF-2a 3.18.4.1.2.3.7: FindDocuments,
 * FindDocumentsByReferenceId, FindSubmissionSets, FindFolders and GetAll); the Get* queries name objects by id instead.
 */
export const STORED_QUERY_PATIENT_PARAMETERS: ReadonlySet<string> = new Set(["$XDSDocumentEntryPatientId", "$XDSSubmissionSetPatientId", "$XDSFolderPatientId", "$patientId"]);

/** AdhocQuery ResponseOption/@returnType values (ebRS 3.0 §6.1). */
export const RETURN_TYPE = {
  leafClass: "LeafClass",
  objectRef: "ObjectRef",
} as const;

/** RegistryError/@errorCode values used by XDS.b (ITI TF-3 Table 4.2.4.1-2). */
export const ERROR_CODES = [
  "XDSRegistryError",
  "XDSRepositoryError",
  "XDSRegistryMetadataError",
  "XDSRepositoryMetadataError",
  "XDSMissingDocument",
  "XDSMissingDocumentMetadata",
  "XDSUnknownPatientId",
  "XDSPatientIdDoesNotMatch",
  "XDSDuplicateUniqueIdInRegistry",
  "XDSRegistryDuplicateUniqueIdInMessage",
  "XDSRepositoryDuplicateUniqueIdInMessage",
  "XDSNonIdenticalHash",
  "XDSNonIdenticalSize",
  "XDSDocumentUniqueIdError",
  "XDSUnknownRepositoryId",
  "XDSUnknownCommunity",
  "XDSUnknownStoredQuery",
  "XDSStoredQueryMissingParam",
  "XDSStoredQueryParamNumber",
  "XDSTooManyResults",
  "XDSRegistryBusy",
  "XDSRepositoryBusy",
  "XDSRegistryOutOfResources",
  "XDSRepositoryOutOfResources",
  "XDSRegistryNotAvailable",
  "XDSRegistryDeprecatedDocumentError",
  "XDSExtraMetadataNotSaved",
  "XDSResultNotSinglePatient",
  "XDSPartialFolderContentNotProcessed",
  "XDSPartialReplaceContentNotProcessed",
  "XDSPartialAppendContentNotProcessed",
  "XDSPartialTransformContentNotProcessed",
  "XDSPartialTransformReplaceContentNotProcessed",
  "XDSReplaceFailed",
  "XDSMetadataUpdateError",
  "XDSMetadataVersionError",
  "XDSMetadataUpdateOperationError",
  "XDSMetadataIdentifierError",
  "XDSMissingHomeCommunityId",
  "XDSUnavailableDocument",
  "XDSPatientIDReconciliationError",
  "XDSRemoveDocumentsError",
  "UnresolvedReferenceException",
  "ReferencesExistException",
  "XDSUnreferencedObjectException",
  "InvalidRequestException",
  "ObjectNotFoundException",
] as const;
export type XdsErrorCode = (typeof ERROR_CODES)[number];

/** WS-Addressing actions of the XDS.b transactions (ITI TF-2a/2b, Appendix V). */
export const ACTION = {
  iti18: { request: "urn:ihe:iti:2007:RegistryStoredQuery", response: "urn:ihe:iti:2007:RegistryStoredQueryResponse" },
  iti41: {
    request: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
    response: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse",
  },
  iti42: { request: "urn:ihe:iti:2007:RegisterDocumentSet-b", response: "urn:ihe:iti:2007:RegisterDocumentSet-bResponse" },
  iti43: { request: "urn:ihe:iti:2007:RetrieveDocumentSet", response: "urn:ihe:iti:2007:RetrieveDocumentSetResponse" },
  iti57: { request: "urn:ihe:iti:2010:UpdateDocumentSet", response: "urn:ihe:iti:2010:UpdateDocumentSetResponse" },
  iti62: { request: "urn:ihe:iti:2010:DeleteDocumentSet", response: "urn:ihe:iti:2010:DeleteDocumentSetResponse" },
  iti86: { request: "urn:ihe:iti:2017:RemoveDocuments", response: "urn:ihe:iti:2017:RemoveDocumentsResponse" },
  iti38: { request: "urn:ihe:iti:2007:CrossGatewayQuery", response: "urn:ihe:iti:2007:CrossGatewayQueryResponse" },
  iti39: { request: "urn:ihe:iti:2007:CrossGatewayRetrieve", response: "urn:ihe:iti:2007:CrossGatewayRetrieveResponse" },
  iti51: {
    request: "urn:ihe:iti:2009:MultiPatientStoredQuery",
    response: "urn:ihe:iti:2009:MultiPatientStoredQueryResponse",
  },
} as const;
export type TransactionId = keyof typeof ACTION;
