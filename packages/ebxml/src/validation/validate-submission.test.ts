import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { parseSubmitObjectsRequest, type SubmitObjectsRequest } from "../messages/submit-objects-request.js";
import type { Classification, ExternalIdentifier, Identifiable, RegistryObject, Slot } from "../rim/rim-types.js";
import { ASSOCIATION_TYPE, CLASSIFICATION_NODE, NS, CLASSIFICATION_SCHEME as CS, ERROR_SEVERITY, IDENTIFICATION_SCHEME as IS, OBJECT_STATUS } from "../vocabulary.js";
import type { XdsError } from "../xds-error.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElements, firstChild } from "../xml/xml-node.js";
import { validateSubmission } from "./validate-submission.js";

const FIXTURES = new URL("../../../../test/fixtures/samples/", import.meta.url);

function load(path: string): SubmitObjectsRequest {
  const parsed = parseSubmitObjectsRequest(readFileSync(new URL(path, FIXTURES)));
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const errorsOnly = (list: readonly XdsError[]) => list.filter((e) => e.severity === ERROR_SEVERITY.error);
const summary = (list: readonly XdsError[]) => list.map((e) => `${e.errorCode} @ ${e.location}: ${e.codeContext}`);
const iti42 = (req: SubmitObjectsRequest) => validateSubmission(req, { transaction: "ITI-42" }).errors;

/** Rebuilds the object list, replacing each object by what `fn` returns (undefined drops it). */
function edit(req: SubmitObjectsRequest, fn: (o: Identifiable) => Identifiable | readonly Identifiable[] | undefined): SubmitObjectsRequest {
  const objects: Identifiable[] = [];
  for (const o of req.objects) {
    const r = fn(o);
    if (r === undefined) continue;
    if (Array.isArray(r)) objects.push(...(r as readonly Identifiable[]));
    else objects.push(r as Identifiable);
  }
  return { ...req, objects };
}

/** Edits the object with the given id (a RegistryObject), leaving the others as they are. */
function editObject(req: SubmitObjectsRequest, id: string, fn: (o: RegistryObject) => RegistryObject | undefined): SubmitObjectsRequest {
  return edit(req, (o) => (o.id === id && o.kind !== "ObjectRef" ? fn(o) : o));
}

const setSlot = (o: RegistryObject, name: string, values: string[]): RegistryObject => ({
  ...o,
  slots: [...o.slots.filter((s) => s.name !== name), { name, values }],
});
const addSlot = (o: RegistryObject, slot: Slot): RegistryObject => ({ ...o, slots: [...o.slots, slot] });
const setIdentifier = (o: RegistryObject, scheme: string, value: string): RegistryObject => ({
  ...o,
  externalIdentifiers: o.externalIdentifiers.map((e): ExternalIdentifier => (e.identificationScheme === scheme ? { ...e, value } : e)),
});
const dropClassifications = (o: RegistryObject, scheme: string): RegistryObject => ({
  ...o,
  classifications: o.classifications.filter((c) => c.classificationScheme !== scheme),
});
function classification(o: RegistryObject, scheme: string): Classification {
  const c = o.classifications.find((x) => x.classificationScheme === scheme);
  if (!c) throw new Error(`no ${scheme} on ${o.id}`);
  return c;
}

describe("validateSubmission on conformant ITI-42 messages", () => {
  it.each([
    "dcm4chee-xds2/RegisterOneDocument.xml",
    "dcm4chee-xds2/RegisterTwoDocuments.xml",
    "dcm4chee-xds2/CreateFolder.xml",
    "dcm4chee-xds2/CreateFolderWithDocument.xml",
    "dcm4chee-xds2/sq/single_doc.xml",
    "dcm4chee-xds2/sq/single_doc_for_rplc.xml",
    // The RPLC target is a fixed urn:uuid outside the message: a registered entry, resolved later by the registry.
    "dcm4chee-xds2/sq/rplc.xml",
    // Carries extra metadata slots named by URNs (urn:nist:extraDESlot, urn:nist:extraSSSlot): valid.
    "ipf/submission-set.xml",
  ])("%s has no error and no warning", (path) => {
    const result = validateSubmission(load(path), { transaction: "ITI-42" });
    expect(summary(result.errors)).toEqual([]);
    expect(result.metadata.submissionSets).toHaveLength(1);
  });
});

describe("validateSubmission on non-conformant samples", () => {
  it("dcm4chee sq/single_doc_w_fol.xml: the SubmissionSet uniqueId is 'SubmissionSet01_uniqueid', not an OID", () => {
    // ITI TF-3 4.2.3.3.12: XDSSubmissionSet.uniqueId is an OID. Everything else in the message is valid.
    const errors = iti42(load("dcm4chee-xds2/sq/single_doc_w_fol.xml"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      errorCode: "XDSRegistryMetadataError",
      location: "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba2003 (SubmissionSet01_uniqueid)",
    });
    expect(errors[0]?.codeContext).toContain("XDSSubmissionSet.uniqueId 'SubmissionSet01_uniqueid'");
  });

  it("dcm4chee sq/two_doc_w_fol.xml: two Classifications share the id ...ba3103", () => {
    // The classCode and confidentialityCode Classifications of the first entry both have id
    // urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba3103; ebRIM ids are unique within a message.
    const errors = iti42(load("dcm4chee-xds2/sq/two_doc_w_fol.xml"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ errorCode: "XDSRegistryMetadataError", location: "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba3103" });
    expect(errors[0]?.codeContext).toContain("more than one object");
  });

  it("ipf SubmitObjectsRequest_ebrs3_extra_metadata.xml: blanks in scheme UUIDs and no repository attributes, all in one call", () => {
    // Four scheme UUIDs contain a blank ("...-92fd- a8ffeff98427"), so the DocumentEntry patientId, the SubmissionSet
    // contentTypeCode, uniqueId and patientId are unrecognised; hash, size and repositoryUniqueId are absent although
    // ITI-42 requires them. The extra slot urn:my:company:slot is valid extra metadata and is not reported.
    const result = validateSubmission(load("ipf/SubmitObjectsRequest_ebrs3_extra_metadata.xml"), { transaction: "ITI-42" });
    const errors = errorsOnly(result.errors);
    const at = (location: string) => errors.filter((e) => e.location === location).map((e) => e.codeContext);
    const doc = at("Document01 (1.3.6.1.4.1.21367.2005.3.9999.32)");
    const ss = at("SubmissionSet01");
    expect(errors.every((e) => e.errorCode === "XDSRegistryMetadataError")).toBe(true);
    expect(doc).toEqual(
      expect.arrayContaining([
        expect.stringContaining("XDSDocumentEntry.patientId is missing"),
        expect.stringContaining("XDSDocumentEntry.hash is missing"),
        expect.stringContaining("XDSDocumentEntry.size is missing"),
        expect.stringContaining("XDSDocumentEntry.repositoryUniqueId is missing"),
        expect.stringContaining("'urn:uuid:58a6f841-87b3-4a3e-92fd- a8ffeff98427' is not a UUID URN"),
      ]),
    );
    expect(ss).toEqual(
      expect.arrayContaining([
        expect.stringContaining("XDSSubmissionSet.patientId is missing"),
        expect.stringContaining("XDSSubmissionSet.uniqueId is missing"),
        expect.stringContaining("XDSSubmissionSet.contentTypeCode is missing"),
        expect.stringContaining("'urn:uuid:aa543740-bdda-424e-8c96- df4873be8500' is not a UUID URN"),
        expect.stringContaining("'urn:uuid:96fdda7c-d067-4183-912e- bf5ee74998a8' is not a UUID URN"),
        expect.stringContaining("'urn:uuid:6b5aea1a-874d-4603-a4bc- 96a0a7b38446' is not a UUID URN"),
      ]),
    );
    expect(doc).toHaveLength(5);
    expect(ss).toHaveLength(6);
    expect(errors).toHaveLength(11);
    expect(summary(result.errors).join("\n")).not.toContain("urn:my:company:slot");
    // The plain-text authorPerson values ("Gerald Smitty") are not XCN: warnings only.
    expect(result.errors.filter((e) => e.severity === ERROR_SEVERITY.warning)).toHaveLength(2);
  });
});

describe("validateSubmission leniency", () => {
  it("openhim RegisterDocumentSet-bRequest_SOAP.xml: the short associationType 'HasMember' is a warning, not an error", () => {
    const envelope = parseXml(readFileSync(new URL("openhim-mediator-xds/RegisterDocumentSet-bRequest_SOAP.xml", FIXTURES)));
    const body = firstChild(envelope, NS.soap12, "Body");
    const sor = body ? childElements(body)[0] : undefined;
    if (!sor) throw new Error("no body");
    const parsed = parseSubmitObjectsRequest(sor);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const result = validateSubmission(parsed.value, { transaction: "ITI-42" });
    const warnings = result.errors.filter((e) => e.severity === ERROR_SEVERITY.warning && e.location === "as01");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.codeContext).toContain(ASSOCIATION_TYPE.hasMember);
    // The only errors: this register request carries no hash, size or repositoryUniqueId, which ITI-42 requires
    // (ITI TF-3 Table 4.3.1-3: R for the Document Repository as Register sender).
    expect(errorsOnly(result.errors).map((e) => e.codeContext.split(" is ")[0])).toEqual([
      "XDSDocumentEntry.hash",
      "XDSDocumentEntry.size",
      "XDSDocumentEntry.repositoryUniqueId",
    ]);
  });
});

describe("validateSubmission rules (mutations of ipf/submission-set.xml)", () => {
  const good = () => load("ipf/submission-set.xml");
  const DOC = "Document01 (1.42.20120223221638.10)";
  const SS = "SubmissionSet01 (1.42.20120223221638.11)";

  it("starts from a message without problems", () => {
    expect(iti42(good())).toEqual([]);
  });

  it("reports a DocumentEntry of another patient as XDSPatientIdDoesNotMatch at the entry", () => {
    const req = editObject(good(), "Document01", (o) => setIdentifier(o, IS.documentEntryPatientId, "other^^^&2.3.4&ISO"));
    expect(iti42(req)).toEqual([
      expect.objectContaining({ errorCode: "XDSPatientIdDoesNotMatch", location: DOC, severity: ERROR_SEVERITY.error }),
    ]);
  });

  it("reports a uniqueId used twice as XDSRegistryDuplicateUniqueIdInMessage (ITI-42) or the repository code (ITI-41)", () => {
    const req = editObject(good(), "SubmissionSet01", (o) => setIdentifier(o, IS.submissionSetUniqueId, "1.42.20120223221638.10"));
    expect(iti42(req)).toEqual([
      expect.objectContaining({ errorCode: "XDSRegistryDuplicateUniqueIdInMessage", location: "SubmissionSet01 (1.42.20120223221638.10)" }),
    ]);
    const iti41 = validateSubmission(req, { transaction: "ITI-41" }).errors;
    expect(iti41.map((e) => e.errorCode)).toEqual(["XDSRepositoryDuplicateUniqueIdInMessage"]);
  });

  it("reports a missing classCode", () => {
    const req = editObject(good(), "Document01", (o) => dropClassifications(o, CS.documentEntryClassCode));
    const errors = iti42(req);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ errorCode: "XDSRegistryMetadataError", location: DOC });
    expect(errors[0]?.codeContext).toContain("XDSDocumentEntry.classCode is missing");
  });

  it("reports a coded value without codingScheme", () => {
    const req = editObject(good(), "Document01", (o) => {
      const c = classification(o, CS.documentEntryTypeCode);
      return { ...dropClassifications(o, CS.documentEntryTypeCode), classifications: [...dropClassifications(o, CS.documentEntryTypeCode).classifications, { ...c, slots: [] }] };
    });
    expect(summary(iti42(req))).toEqual([expect.stringContaining("XDSDocumentEntry.typeCode '34108-1' has no codingScheme")]);
  });

  it("reports a single-valued slot with two values, and a slot repeated on one object", () => {
    const twoValues = editObject(good(), "Document01", (o) => setSlot(o, "creationTime", ["20041224", "20051224"]));
    expect(summary(iti42(twoValues))).toEqual([expect.stringContaining("slot 'creationTime' on Document01 is single-valued but has 2 values")]);
    const twice = editObject(good(), "Document01", (o) => addSlot(o, { name: "hash", values: ["e543712c0e10501972de13a5bfcbe826c49feb75"] }));
    expect(summary(iti42(twice))).toEqual([expect.stringContaining("slot 'hash' appears more than once on Document01")]);
  });

  it("reports two classCode Classifications and two uniqueId ExternalIdentifiers", () => {
    const req = editObject(good(), "Document01", (o) => {
      const c = classification(o, CS.documentEntryClassCode);
      const ei = o.externalIdentifiers.find((e) => e.identificationScheme === IS.documentEntryUniqueId);
      if (!ei) throw new Error("no uniqueId");
      return {
        ...o,
        classifications: [...o.classifications, { ...c, id: "extraClass" }],
        externalIdentifiers: [...o.externalIdentifiers, { ...ei, id: "extraUid", value: "1.2.3.4" }],
      };
    });
    expect(summary(iti42(req))).toEqual([
      expect.stringContaining("XDSDocumentEntry.classCode is single-valued but 2 Classifications carry it"),
      expect.stringContaining("XDSDocumentEntry.uniqueId is single-valued but 2 ExternalIdentifiers carry it"),
    ]);
  });

  it("reports malformed DTM, hash, size, OID, CX, languageCode and mimeType values", () => {
    const req = editObject(good(), "Document01", (o) => {
      let x = setSlot(o, "creationTime", ["20041332"]);
      x = setSlot(x, "serviceStartTime", ["2004122408000"]);
      x = setSlot(x, "hash", ["xyz"]);
      x = setSlot(x, "size", ["-3"]);
      x = setSlot(x, "repositoryUniqueId", ["1.02.3"]);
      x = setSlot(x, "sourcePatientId", ["89765a87b"]);
      x = setSlot(x, "languageCode", ["en_US"]);
      if (x.kind !== "ExtrinsicObject") throw new Error("Document01 is no ExtrinsicObject");
      return { ...x, mimeType: "text" };
    });
    const errors = iti42(req);
    expect(errors.map((e) => e.codeContext.split(" '")[0])).toEqual([
      "XDSDocumentEntry.sourcePatientId",
      "XDSDocumentEntry.creationTime",
      "XDSDocumentEntry.serviceStartTime",
      "XDSDocumentEntry.hash",
      "XDSDocumentEntry.size",
      "XDSDocumentEntry.repositoryUniqueId",
      "XDSDocumentEntry.languageCode",
      "XDSDocumentEntry.mimeType",
    ]);
    expect(errors.every((e) => e.location === DOC)).toBe(true);
  });

  it("resolves symbolic association ends in the message only; an unknown urn:uuid is left to the registry", () => {
    const symbolic = edit(good(), (o) =>
      o.kind === "Association"
        ? [o, { ...o, id: "apnd", associationType: ASSOCIATION_TYPE.append, sourceObject: "Document01", targetObject: "Document99", slots: [] }]
        : o,
    );
    expect(iti42(symbolic)).toEqual([
      expect.objectContaining({ errorCode: "UnresolvedReferenceException", location: "apnd" }),
    ]);
    const registered = edit(good(), (o) =>
      o.kind === "Association"
        ? [
            o,
            {
              ...o,
              id: "apnd",
              associationType: ASSOCIATION_TYPE.append,
              sourceObject: "Document01",
              targetObject: "urn:uuid:e0985823-dc50-45a5-a6c8-a11a829893bd",
              slots: [],
            },
          ]
        : o,
    );
    expect(iti42(registered)).toEqual([]);
  });

  it("reports a DocumentEntry that no HasMember from the SubmissionSet targets", () => {
    const req = edit(good(), (o) => (o.kind === "Association" ? undefined : o));
    expect(iti42(req)).toEqual([
      expect.objectContaining({ errorCode: "XDSRegistryMetadataError", location: DOC, codeContext: expect.stringContaining("not a member of the SubmissionSet") as string }),
    ]);
  });

  it("requires SubmissionSetStatus Original or Reference on the SubmissionSet-to-DocumentEntry HasMember", () => {
    const none = edit(good(), (o) => (o.kind === "Association" ? { ...o, slots: o.slots.filter((s) => s.name !== "SubmissionSetStatus") } : o));
    expect(summary(iti42(none))).toEqual([expect.stringContaining("has no SubmissionSetStatus slot")]);
    const bad = edit(good(), (o) => (o.kind === "Association" ? setSlot(o, "SubmissionSetStatus", ["New"]) : o));
    expect(summary(iti42(bad))).toEqual([expect.stringContaining("SubmissionSetStatus 'New' is neither Original nor Reference")]);
  });

  it("reports unknown association types and a RPLC whose source is not a DocumentEntry", () => {
    const req = edit(good(), (o) =>
      o.kind === "Association"
        ? [
            o,
            { ...o, id: "weird", associationType: "urn:example:Relates", slots: [] },
            { ...o, id: "rplc", associationType: ASSOCIATION_TYPE.replace, sourceObject: "SubmissionSet01", targetObject: "urn:uuid:e0985823-dc50-45a5-a6c8-a11a829893bd", slots: [] },
          ]
        : o,
    );
    const errors = iti42(req);
    expect(errors.map((e) => e.location)).toEqual(["weird", "rplc"]);
    expect(errors[0]?.codeContext).toContain("is not an XDS association type");
    expect(errors[1]?.codeContext).toContain("must be a DocumentEntry of this submission");
  });

  it("refuses limitedMetadata entries and non-URN extra slots; warns on a submitted status", () => {
    const req = editObject(good(), "Document01", (o) => ({
      ...addSlot(o, { name: "mySlot", values: ["x"] }),
      status: OBJECT_STATUS.deprecated,
      classifications: [
        ...o.classifications,
        { kind: "Classification", id: "lm", classifiedObject: "Document01", classificationNode: CLASSIFICATION_NODE.documentEntryLimitedMetadata, slots: [], classifications: [], externalIdentifiers: [] },
      ],
    }));
    const errors = iti42(req);
    expect(errors.map((e) => [e.severity === ERROR_SEVERITY.error ? "E" : "W", e.location])).toEqual([
      ["E", DOC],
      ["E", DOC],
      ["W", DOC],
    ]);
    expect(summary(errors)).toEqual([
      expect.stringContaining("XDSDocumentEntry is flagged limitedMetadata"),
      expect.stringContaining("XDSDocumentEntry slot 'mySlot' is no XDSDocumentEntry attribute"),
      expect.stringContaining(`XDSDocumentEntry.availabilityStatus '${OBJECT_STATUS.deprecated}' is ignored`),
    ]);
  });

  it("requires exactly one SubmissionSet", () => {
    // Without its classificationNode the RegistryPackage is still read as the SubmissionSet its XDSSubmissionSet.*
    // identifiers say it is, with a warning; without those either it is no SubmissionSet (ITI TF-3 4.2.3.3).
    const noNode = edit(good(), (o) => (o.kind === "Classification" && o.classificationNode === CLASSIFICATION_NODE.submissionSet ? undefined : o));
    expect(errorsOnly(iti42(noNode))).toEqual([]);
    expect(summary(iti42(noNode))).toEqual([expect.stringContaining("SubmissionSet01: RegistryPackage has no SubmissionSet classification node")]);
    const none = edit(noNode, (o) => (o.kind === "RegistryPackage" ? { ...o, externalIdentifiers: [] } : o));
    expect(summary(errorsOnly(iti42(none))).slice(0, 2)).toEqual([
      expect.stringContaining("SubmissionSet01: RegistryPackage is classified neither as SubmissionSet nor as Folder"),
      expect.stringContaining("SubmitObjectsRequest: a submission carries exactly one XDSSubmissionSet"),
    ]);
    const two = edit(good(), (o) => {
      if (o.kind === "RegistryPackage") return [o, { ...setIdentifier(o, IS.submissionSetUniqueId, "1.2.3.99"), id: "SubmissionSet02" }];
      if (o.kind === "Classification" && o.classifiedObject === "SubmissionSet01") return [o, { ...o, id: "ssnode2", classifiedObject: "SubmissionSet02" }];
      return o;
    });
    const errors = iti42(two);
    expect(errors[0]?.codeContext).toContain("exactly one XDSSubmissionSet");
    expect(errors[0]?.location).toBe(`${SS}, SubmissionSet02 (1.2.3.99)`);
  });

  it("requires hash, size and repositoryUniqueId in ITI-42 only, and uses the repository error code in ITI-41", () => {
    const req = editObject(good(), "Document01", (o) => ({
      ...o,
      slots: o.slots.filter((s) => !["hash", "size", "repositoryUniqueId"].includes(s.name)),
    }));
    expect(summary(iti42(req))).toEqual([
      expect.stringContaining("hash is missing"),
      expect.stringContaining("size is missing"),
      expect.stringContaining("repositoryUniqueId is missing"),
    ]);
    expect(validateSubmission(req, { transaction: "ITI-41" }).errors).toEqual([]);
    const bad = editObject(req, "Document01", (o) => setSlot(o, "creationTime", ["200413"]));
    expect(validateSubmission(bad, { transaction: "ITI-41" }).errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryMetadataError"]);
    expect(
      validateSubmission(bad, { transaction: "ITI-41", metadataError: "XDSRegistryMetadataError" }).errors.map((e) => e.errorCode),
    ).toEqual(["XDSRegistryMetadataError"]);
  });

  it("reports duplicate ids", () => {
    const req = edit(good(), (o) => (o.kind === "Association" ? { ...o, id: "Document01" } : o));
    expect(summary(iti42(req))).toEqual([expect.stringContaining("id 'Document01' is used by more than one object")]);
  });

  it("reports several problems at once, each at its object", () => {
    let req = editObject(good(), "Document01", (o) => setSlot(dropClassifications(o, CS.documentEntryFormatCode), "creationTime", ["2004", "2005"]));
    req = editObject(req, "Document01", (o) => setIdentifier(o, IS.documentEntryPatientId, "other^^^&2.3.4&ISO"));
    req = editObject(req, "SubmissionSet01", (o) => setSlot(o, "submissionTime", ["20041225235099"]));
    req = edit(req, (o) => (o.kind === "Association" ? [o, { ...o, id: "dangling", targetObject: "Folder01" }] : o));
    const errors = iti42(req);
    expect(errors.map((e) => [e.errorCode, e.location])).toEqual(
      expect.arrayContaining([
        ["XDSRegistryMetadataError", SS],
        ["XDSRegistryMetadataError", DOC],
        ["XDSPatientIdDoesNotMatch", DOC],
        ["UnresolvedReferenceException", "dangling"],
      ]),
    );
    expect(errors.filter((e) => e.location === DOC)).toHaveLength(3);
    expect(errors).toHaveLength(5);
  });
});

describe("validateSubmission folder rules (mutations of dcm4chee CreateFolderWithDocument.xml)", () => {
  const good = () => load("dcm4chee-xds2/CreateFolderWithDocument.xml");
  const FOLDER = "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9102";

  it("requires title and codeList, and the SubmissionSet patient", () => {
    let req = editObject(good(), FOLDER, (o) => {
      const { name: _name, ...rest } = dropClassifications(o, CS.folderCodeList);
      return rest;
    });
    req = editObject(req, FOLDER, (o) => setIdentifier(o, IS.folderPatientId, "other^^^&1.2.3.45.4.3.2.1&ISO"));
    const errors = iti42(req);
    expect(errors.map((e) => e.errorCode)).toEqual(["XDSRegistryMetadataError", "XDSRegistryMetadataError", "XDSPatientIdDoesNotMatch"]);
    expect(errors.every((e) => e.location === `${FOLDER} (1.42.20120601170229.63)`)).toBe(true);
    expect(summary(errors)).toEqual([
      expect.stringContaining("XDSFolder.title is missing"),
      expect.stringContaining("XDSFolder.codeList is missing"),
      expect.stringContaining("XDSFolder.patientId"),
    ]);
  });

  it("requires the Folder-to-DocumentEntry HasMember to be a member of the SubmissionSet", () => {
    const req = edit(good(), (o) => (o.id === "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9107" ? undefined : o));
    expect(iti42(req)).toEqual([
      expect.objectContaining({ location: "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba9106", codeContext: expect.stringContaining("not itself a member") as string }),
    ]);
  });
});
