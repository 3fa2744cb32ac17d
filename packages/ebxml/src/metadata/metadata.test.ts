import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSubmitObjectsRequest, type SubmitObjectsRequest } from "../messages/submit-objects-request.js";
import { Problems } from "../problems.js";
import type { ExtrinsicObject, Identifiable } from "../rim/rim-types.js";
import { ASSOCIATION_TYPE, CLASSIFICATION_NODE, DOCUMENT_ENTRY_TYPE, IDENTIFICATION_SCHEME } from "../vocabulary.js";
import { associationKindOf, associationTypeUrn } from "./association.js";
import { documentEntryFromRim, documentEntryToRim, type DocumentEntry } from "./document-entry.js";
import { xdsMetadataFromRim, xdsMetadataToRim } from "./xds-metadata.js";

const SAMPLES = join(import.meta.dirname, "../../../../test/fixtures/samples");

function submission(path: string): SubmitObjectsRequest {
  const r = parseSubmitObjectsRequest(readFileSync(join(SAMPLES, path)));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const ENTRY: DocumentEntry = {
  entryUuid: "urn:uuid:11111111-2222-4333-8444-555555555555",
  type: "on-demand",
  mimeType: "application/pdf",
  title: { value: "Lettre de sortie", lang: "fr-LU" },
  patientId: "1234^^^&1.3.182.4.4&ISO",
  uniqueId: "1.3.182.9.1.20261122.1",
  sourcePatientId: "A-77^^^&1.3.182.99&ISO",
  sourcePatientInfo: ["PID-3|A-77^^^&1.3.182.99&ISO", "PID-5|Muller^Anne"],
  authors: [{ person: "^Weber^Jean", institutions: ["CHL^^^^^&1.3.182.1&ISO^^^^1"], roles: ["Médecin"], specialties: [], telecommunications: [] }],
  classCode: { code: "11490-0", codingScheme: "2.16.840.1.113883.6.1", displayName: "Discharge summary" },
  confidentialityCodes: [{ code: "N", codingScheme: "2.16.840.1.113883.5.25" }],
  eventCodes: [{ code: "E1", codingScheme: "1.2.3" }, { code: "E2", codingScheme: "1.2.3", displayName: "two" }],
  formatCode: { code: "urn:ihe:iti:xds:2017:mimeTypeSufficient", codingScheme: "1.3.6.1.4.1.19376.1.2.3" },
  healthcareFacilityTypeCode: { code: "HOSP", codingScheme: "1.2.4" },
  practiceSettingCode: { code: "CARD", codingScheme: "1.2.5" },
  typeCode: { code: "18842-5", codingScheme: "2.16.840.1.113883.6.1" },
  creationTime: "2026",
  serviceStartTime: "202611",
  serviceStopTime: "20261122101530",
  hash: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  size: "0",
  repositoryUniqueId: "1.3.182.9.2",
  languageCode: "fr-LU",
  legalAuthenticator: "^Weber^Jean",
  referenceIdList: ["123^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:order"],
  documentAvailability: "urn:ihe:iti:2010:DocumentAvailability:Online",
  limitedMetadata: true,
  extraSlots: [{ name: "urn:lu:dsp:masked", values: ["false"] }],
};

describe("DocumentEntry view", () => {
  it("keeps every attribute through rim and back", () => {
    expect(documentEntryFromRim(documentEntryToRim(ENTRY))).toEqual(ENTRY);
  });

  it("writes the on-demand objectType, the limitedMetadata node and named external identifiers", () => {
    const eo = documentEntryToRim(ENTRY);
    expect(eo.objectType).toBe(DOCUMENT_ENTRY_TYPE.onDemand);
    expect(eo.classifications.some((c) => c.classificationNode === CLASSIFICATION_NODE.documentEntryLimitedMetadata)).toBe(true);
    const pid = eo.externalIdentifiers.find((e) => e.identificationScheme === IDENTIFICATION_SCHEME.documentEntryPatientId);
    expect(pid?.name?.[0]?.value).toBe("XDSDocumentEntry.patientId");
    expect(pid?.value).toBe(ENTRY.patientId);
  });

  it("derives the same child ids every time, all distinct urn:uuids", () => {
    const a = documentEntryToRim(ENTRY);
    const b = documentEntryToRim(ENTRY);
    const ids = [...a.classifications, ...a.externalIdentifiers].map((c) => c.id);
    expect(ids).toEqual([...b.classifications, ...b.externalIdentifiers].map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("keeps an unknown objectType as received", () => {
    const eo: ExtrinsicObject = { ...documentEntryToRim(ENTRY), objectType: "urn:uuid:00000000-0000-0000-0000-000000000000" };
    expect(documentEntryFromRim(eo).objectType).toBe("urn:uuid:00000000-0000-0000-0000-000000000000");
  });
});

describe("XDS views of real submissions", () => {
  it("recognises a SubmissionSet marked by a top-level Classification (dcm4chee CreateFolderWithDocument)", () => {
    const md = xdsMetadataFromRim(submission("dcm4chee-xds2/CreateFolderWithDocument.xml").objects);
    expect(md.submissionSets).toHaveLength(1);
    expect(md.folders).toHaveLength(1);
    expect(md.documentEntries).toHaveLength(1);
    expect(md.associations.map((a) => a.type)).toEqual(["HasMember", "HasMember", "HasMember", "HasMember"]);
    expect(md.submissionSets[0]?.contentTypeCode?.code).toBe("History and Physical");
    expect(md.folders[0]?.codeList.map((c) => c.code)).toEqual(["Referrals"]);
    expect(md.associations.filter((a) => a.submissionSetStatus === "Original")).toHaveLength(1);
  });

  it("keeps extra metadata slots and IsSnapshotOf associations (IPF extra metadata sample)", () => {
    const md = xdsMetadataFromRim(submission("ipf/SubmitObjectsRequest_ebrs3_extra_metadata.xml").objects);
    const de = md.documentEntries[0];
    expect(de?.extraSlots.map((s) => s.name)).toContain("urn:my:company:slot");
    expect(md.associations.map((a) => a.type)).toContain("IsSnapshotOf");
  });

  it("gives the same views after a trip through the wire model", () => {
    const md = xdsMetadataFromRim(submission("dcm4chee-xds2/sq/two_doc_w_fol.xml").objects);
    expect(xdsMetadataFromRim(xdsMetadataToRim(md))).toEqual(md);
  });

  it("reports packages that are neither SubmissionSet nor Folder and classifications of absent objects", () => {
    const objects: Identifiable[] = [
      { kind: "RegistryPackage", id: "p1", slots: [], classifications: [], externalIdentifiers: [] },
      {
        kind: "Classification",
        id: "c1",
        classifiedObject: "nowhere",
        classificationNode: CLASSIFICATION_NODE.submissionSet,
        slots: [],
        classifications: [],
        externalIdentifiers: [],
      },
    ];
    const ctx = new Problems();
    const md = xdsMetadataFromRim(objects, ctx);
    expect(md.submissionSets).toHaveLength(0);
    expect(ctx.list.map((p) => [p.errorCode, p.location])).toEqual([
      ["UnresolvedReferenceException", "c1"],
      ["XDSRegistryMetadataError", "p1"],
    ]);
  });
});

describe("association types", () => {
  it("maps every URN to its kind and back, and understands ebXML 2.1 short names", () => {
    for (const urn of Object.values(ASSOCIATION_TYPE)) {
      const kind = associationKindOf(urn);
      expect(kind).toBeDefined();
      if (kind) expect(associationTypeUrn(kind)).toBe(urn);
    }
    expect(associationKindOf("RPLC")).toBe("RPLC");
    expect(associationKindOf("urn:example:Other")).toBeUndefined();
  });
});
