import {
  ASSOCIATION_TYPE,
  writeSubmitObjectsRequest,
  xdsMetadataToRim,
  type Association,
  type Author,
  type DocumentEntry,
  type SubmissionSet,
  type SubmitObjectsRequest,
  type XmlElement,
} from "@opendsp/ebxml";
import { createHash } from "node:crypto";

let counter = 0;

/** A fresh OID under a test arc, unique within the process (uniqueIds must never repeat between tests). */
export function freshOid(arc = "1.3.6.1.4.1.59999.9"): string {
  counter += 1;
  return `${arc}.${Date.now()}.${process.pid}.${counter}`;
}

export const TEST_AUTHOR: Author = {
  person: "2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO",
  institutions: ["Centre Hospitalier de Luxembourg^^^^^&1.3.182.4.2&ISO^^^^1.3.182.4.2.17"],
  roles: ["Médecin spécialiste^^^&1.3.182.4.3&ISO"],
  specialties: ["Cardiologie^^^&1.3.182.4.5&ISO"],
  telecommunications: ["^^Internet^jean.weber@chl.lu"],
};

/** A complete DocumentEntry of a discharge letter; override what the test is about. */
export function dischargeLetterEntry(patientId: string, overrides: Partial<DocumentEntry> = {}): DocumentEntry {
  const content = `discharge letter ${freshOid()}`;
  return {
    entryUuid: "Document01",
    type: "stable",
    mimeType: "application/pdf",
    title: { value: "Lettre de sortie — cardiologie", lang: "fr-LU" },
    patientId,
    uniqueId: freshOid(),
    sourcePatientId: "A-77231^^^&1.3.182.99.1&ISO",
    sourcePatientInfo: ["PID-3|A-77231^^^&1.3.182.99.1&ISO", "PID-5|Muller^Anne^^^", "PID-7|19600101", "PID-8|F"],
    authors: [TEST_AUTHOR],
    classCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
    confidentialityCodes: [{ code: "N", codingScheme: "2.16.840.1.113883.5.25", displayName: "normal" }],
    eventCodes: [],
    formatCode: { code: "urn:ihe:iti:xds:2017:mimeTypeSufficient", codingScheme: "1.3.6.1.4.1.19376.1.2.3", displayName: "Format from mimeType" },
    healthcareFacilityTypeCode: { code: "22232009", codingScheme: "2.16.840.1.113883.6.96", displayName: "Hospital" },
    practiceSettingCode: { code: "394579002", codingScheme: "2.16.840.1.113883.6.96", displayName: "Cardiology" },
    typeCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
    creationTime: "20261119143000",
    serviceStartTime: "20261112",
    serviceStopTime: "20261119",
    hash: createHash("sha1").update(content).digest("hex"),
    size: String(Buffer.byteLength(content)),
    repositoryUniqueId: "1.3.6.1.4.1.59999.3.1",
    languageCode: "fr-LU",
    referenceIdList: [],
    limitedMetadata: false,
    extraSlots: [],
    ...overrides,
  };
}

export function submissionSetFor(patientId: string, overrides: Partial<SubmissionSet> = {}): SubmissionSet {
  return {
    entryUuid: "SubmissionSet01",
    title: { value: "Sortie cardiologie" },
    patientId,
    uniqueId: freshOid(),
    sourceId: "1.3.6.1.4.1.59999.4.17",
    submissionTime: "20261119150000",
    authors: [TEST_AUTHOR],
    contentTypeCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
    intendedRecipients: [],
    limitedMetadata: false,
    extraSlots: [],
    ...overrides,
  };
}

let associationCounter = 0;

/** An association with a fresh symbolic id. */
export function association(type: keyof typeof ASSOCIATION_TYPE, source: string, target: string, overrides: Partial<Association> = {}): Association {
  associationCounter += 1;
  return {
    entryUuid: `Association${associationCounter}`,
    associationType: ASSOCIATION_TYPE[type],
    sourceUuid: source,
    targetUuid: target,
    extraSlots: [],
    ...overrides,
  };
}

/**
 * A Register request (ITI-42): a submission set, its documents with SubmissionSet HasMember (Original), and any
 * extra folders and associations.
 */
export function registerRequest(parts: {
  submissionSet: SubmissionSet;
  documentEntries?: readonly DocumentEntry[];
  folders?: Parameters<typeof xdsMetadataToRim>[0]["folders"];
  associations?: readonly Association[];
}): SubmitObjectsRequest {
  const docs = parts.documentEntries ?? [];
  const ss = parts.submissionSet.entryUuid;
  return {
    requestSlots: [],
    objects: xdsMetadataToRim({
      submissionSets: [parts.submissionSet],
      documentEntries: docs,
      folders: parts.folders ?? [],
      associations: [
        ...docs.map((d) => association("hasMember", ss, d.entryUuid, { submissionSetStatus: "Original" })),
        ...(parts.associations ?? []),
      ],
      objectRefs: [],
    }),
  };
}

export function registerRequestElement(parts: Parameters<typeof registerRequest>[0]): XmlElement {
  return writeSubmitObjectsRequest(registerRequest(parts));
}
