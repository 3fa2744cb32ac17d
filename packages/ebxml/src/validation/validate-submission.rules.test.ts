import { describe, it, expect } from "vitest";
import { ASSOCIATION_TYPE, CLASSIFICATION_NODE, CLASSIFICATION_SCHEME as CS, ERROR_SEVERITY, IDENTIFICATION_SCHEME as IS, OBJECT_STATUS } from "../vocabulary.js";
import { validateSubmission } from "./validate-submission.js";
import { load, errorsOnly, summary, iti42, edit, editObject, setSlot, addSlot, setIdentifier, dropClassifications, classification } from "./validate-submission.testing.js";

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
