import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { parseProvideAndRegisterRequest, type ProvideAndRegisterDocumentSetRequest } from "../messages/provide-and-register-request.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElements, firstChild, type XmlElement } from "../xml/xml-node.js";
import { CLASSIFICATION_NODE, NS } from "../vocabulary.js";
import type { XdsError } from "../xds-error.js";
import { validateProvideAndRegister } from "./validate-provide-and-register.js";

const FIXTURES = new URL("../../../../test/fixtures/samples/", import.meta.url);

function parse(root: XmlElement | Uint8Array, path: string): ProvideAndRegisterDocumentSetRequest {
  const parsed = parseProvideAndRegisterRequest(root, { metadataError: "XDSRepositoryMetadataError" });
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const load = (path: string) => parse(readFileSync(new URL(path, FIXTURES)), path);

/** The request inside a SOAP 1.2 envelope: the first element child of soap:Body. */
function loadFromEnvelope(path: string): ProvideAndRegisterDocumentSetRequest {
  const envelope = parseXml(readFileSync(new URL(path, FIXTURES)));
  const body = firstChild(envelope, NS.soap12, "Body");
  const request = body ? childElements(body)[0] : undefined;
  if (!request) throw new Error(`${path}: no SOAP body content`);
  return parse(request, path);
}

const summary = (list: readonly XdsError[]) => list.map((e) => `${e.errorCode} @ ${e.location}: ${e.codeContext}`);

describe("validateProvideAndRegister (ITI-41)", () => {
  it("accepts openhim pnr2.xml: complete metadata, inline document, no hash/size (the repository computes them)", () => {
    const result = validateProvideAndRegister(load("openhim-mediator-xds/pnr2.xml"));
    expect(summary(result.errors)).toEqual([]);
    expect(result.metadata.documentEntries).toHaveLength(1);
  });

  it("xcadocumentsource iti41-request2.xml (SOAP envelope): a SubmissionSet known by its identifiers only is accepted with a warning", () => {
    // The message has no Classification with classificationNode urn:uuid:a54d6aa5-... for SubmissionSet01 (ITI TF-3
    // 4.2.1.3); its XDSSubmissionSet.* external identifiers say what it is, so it is read as the SubmissionSet.
    const req = loadFromEnvelope("xcadocumentsource/iti41-request2.xml");
    const errors = validateProvideAndRegister(req).errors;
    expect(errors.map((e) => [e.errorCode, e.location, e.severity])).toEqual([
      ["XDSRepositoryMetadataError", "SubmissionSet01", "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning"],
    ]);

    const fixed: ProvideAndRegisterDocumentSetRequest = {
      ...req,
      submitObjectsRequest: {
        ...req.submitObjectsRequest,
        objects: [
          ...req.submitObjectsRequest.objects,
          {
            kind: "Classification",
            id: "ssClassification",
            classifiedObject: "SubmissionSet01",
            classificationNode: CLASSIFICATION_NODE.submissionSet,
            slots: [],
            classifications: [],
            externalIdentifiers: [],
          },
        ],
      },
    };
    expect(summary(validateProvideAndRegister(fixed).errors)).toEqual([]);
  });

  it("nist messagevalidator pnr.xml: valid metadata but no xdsb:Document, so XDSMissingDocument for both entries", () => {
    const errors = validateProvideAndRegister(load("nist-iheos-toolkit2/messagevalidator/pnr.xml")).errors;
    expect(errors.map((e) => [e.errorCode, e.location])).toEqual([
      ["XDSMissingDocument", "Document01 (1.42.20100312105241.2)"],
      ["XDSMissingDocument", "Document02 (1.42.20100312105241.3)"],
    ]);
  });

  it("reports a Document without entry as XDSMissingDocumentMetadata and a repeated Document id", () => {
    const req = load("openhim-mediator-xds/pnr2.xml");
    const doc = req.documents[0];
    if (!doc) throw new Error("no document");
    const errors = validateProvideAndRegister({ ...req, documents: [doc, doc, { ...doc, id: "Document77" }] }).errors;
    expect(errors.map((e) => [e.errorCode, e.location])).toEqual([
      ["XDSRepositoryMetadataError", "Document01"],
      ["XDSMissingDocumentMetadata", "Document77"],
    ]);
  });

  it("reports metadata errors with the repository code", () => {
    const req = load("openhim-mediator-xds/pnr2.xml");
    const sor = req.submitObjectsRequest;
    const errors = validateProvideAndRegister({
      ...req,
      submitObjectsRequest: { ...sor, objects: sor.objects.filter((o) => o.kind !== "Association") },
    }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ errorCode: "XDSRepositoryMetadataError", location: "Document01 (2009.9.1.2455)" });
    expect(errors[0]?.codeContext).toContain("not a member of the SubmissionSet");
  });
});
