import {
  ASSOCIATION_TYPE,
  serializeSubmitObjectsRequest,
  xdsMetadataToRim,
  type DocumentEntry,
  type SubmissionSet,
} from "@opendsp/ebxml";

/**
 * A realistic one-document Register request of the shared care record: a hospital discharge letter with two
 * authors, every coded attribute, source patient info and a reference id, as a hospital's XDS source sends it.
 */
export function realisticSubmissionXml(n = 1): string {
  const patientId = "1960010112345^^^&1.3.182.4.4&ISO";
  const author = {
    person: "2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO",
    institutions: ["Centre Hospitalier de Luxembourg^^^^^&1.3.182.4.2&ISO^^^^1.3.182.4.2.17"],
    roles: ["Médecin spécialiste^^^&1.3.182.4.3&ISO"],
    specialties: ["Cardiologie^^^&1.3.182.4.5&ISO"],
    telecommunications: ["^^Internet^jean.weber@chl.lu"],
  };
  const entry: DocumentEntry = {
    entryUuid: "Document01",
    type: "stable",
    mimeType: "application/pdf",
    title: { value: "Lettre de sortie — service de cardiologie", lang: "fr-LU" },
    comments: { value: "Séjour du 12 au 19 novembre", lang: "fr-LU" },
    patientId,
    uniqueId: `1.3.182.9.1.20261122.${n}`,
    sourcePatientId: "A-77231^^^&1.3.182.99.1&ISO",
    sourcePatientInfo: ["PID-3|A-77231^^^&1.3.182.99.1&ISO", "PID-5|Muller^Anne^^^", "PID-7|19600101", "PID-8|F"],
    authors: [author, { ...author, person: "3099^Schmit^Claire^^^Dr^^^&1.3.182.4.1&ISO" }],
    classCode: { code: "11490-0", codingScheme: "2.16.840.1.113883.6.1", displayName: "Physician Discharge summary" },
    confidentialityCodes: [{ code: "N", codingScheme: "2.16.840.1.113883.5.25", displayName: "Normal" }],
    eventCodes: [{ code: "I21", codingScheme: "2.16.840.1.113883.6.3", displayName: "Acute myocardial infarction" }],
    formatCode: { code: "urn:ihe:iti:xds:2017:mimeTypeSufficient", codingScheme: "1.3.6.1.4.1.19376.1.2.3", displayName: "PDF" },
    healthcareFacilityTypeCode: { code: "HOSP", codingScheme: "2.16.840.1.113883.5.11", displayName: "Hospital" },
    practiceSettingCode: { code: "394579002", codingScheme: "2.16.840.1.113883.6.96", displayName: "Cardiology" },
    typeCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
    creationTime: "20261119143000",
    serviceStartTime: "20261112",
    serviceStopTime: "20261119",
    hash: "4cf6a0f1c0b0e3b1f1f0ee5b1f7c2c4ad3b7a5e1",
    size: "102400",
    repositoryUniqueId: "1.3.182.9.2.1",
    languageCode: "fr-LU",
    legalAuthenticator: "2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO",
    referenceIdList: ["ENC-2026-11-0042^^^&1.3.182.4.2.17&ISO^urn:ihe:iti:xds:2015:encounterId"],
    limitedMetadata: false,
    extraSlots: [],
  };
  const set: SubmissionSet = {
    entryUuid: "SubmissionSet01",
    title: { value: "Sortie cardiologie" },
    patientId,
    uniqueId: `1.3.182.9.3.20261122.${n}`,
    sourceId: "1.3.182.4.2.17",
    submissionTime: "20261119150000",
    authors: [author],
    contentTypeCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
    intendedRecipients: [],
    limitedMetadata: false,
    extraSlots: [],
  };
  const objects = xdsMetadataToRim({
    submissionSets: [set],
    documentEntries: [entry],
    folders: [],
    associations: [
      {
        entryUuid: "Association01",
        associationType: ASSOCIATION_TYPE.hasMember,
        sourceUuid: "SubmissionSet01",
        targetUuid: "Document01",
        submissionSetStatus: "Original",
        extraSlots: [],
      },
    ],
    objectRefs: [],
  });
  return serializeSubmitObjectsRequest({ requestSlots: [], objects });
}
