import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { parseSubmitObjectsRequest } from "../messages/submit-objects-request.js";
import { ASSOCIATION_TYPE, NS, ERROR_SEVERITY } from "../vocabulary.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElements, firstChild } from "../xml/xml-node.js";
import { validateSubmission } from "./validate-submission.js";
import { FIXTURES, load, errorsOnly, summary, iti42 } from "./validate-submission.testing.js";

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
