import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_SEVERITY, NS, RESPONSE_STATUS, STORED_QUERY } from "../vocabulary.js";
import { parseXml } from "../xml/parse-xml.js";
import { childElements, firstChild } from "../xml/xml-node.js";
import { xdsError, xdsWarning } from "../xds-error.js";
import { parseAdhocQueryRequest } from "./adhoc-query-request.js";
import { parseAdhocQueryResponse, serializeAdhocQueryResponse } from "./adhoc-query-response.js";
import { renderRegistryObject } from "../rim/write-rim.js";
import { parseProvideAndRegisterRequest, serializeProvideAndRegisterRequest } from "./provide-and-register-request.js";
import { parseRegistryResponse, registryResponseOf, serializeRegistryResponse } from "./registry-response.js";
import { parseRemoveObjectsRequest } from "./remove-objects-request.js";
import {
  parseRetrieveDocumentSetRequest,
  parseRetrieveDocumentSetResponse,
  serializeRetrieveDocumentSetResponse,
} from "./retrieve-document-set.js";
import { parseSubmitObjectsRequest } from "./submit-objects-request.js";

const SAMPLES = join(import.meta.dirname, "../../../../test/fixtures/samples");
const sample = (path: string) => readFileSync(join(SAMPLES, path));

const RIM = 'xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"';
const LCM = 'xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"';
const XDSB = 'xmlns:xdsb="urn:ihe:iti:xds-b:2007"';

function errorsOf(r: { ok: boolean; errors?: readonly { errorCode: string; codeContext: string; location: string }[] }) {
  expect(r.ok).toBe(false);
  return r.errors ?? [];
}

describe("SubmitObjectsRequest", () => {
  it("reports non-XML as a metadata error, never an exception", () => {
    const errors = errorsOf(parseSubmitObjectsRequest("<lcm:SubmitObjectsRequest"));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.errorCode).toBe("XDSRegistryMetadataError");
    expect(errors[0]?.codeContext).toMatch(/well-formed/);
  });

  it("uses the repository's error code when asked to", () => {
    const errors = errorsOf(parseSubmitObjectsRequest("<x/>", { metadataError: "XDSRepositoryMetadataError" }));
    expect(errors[0]?.errorCode).toBe("XDSRepositoryMetadataError");
  });

  it("refuses a DOCTYPE with a metadata error", () => {
    const errors = errorsOf(parseSubmitObjectsRequest(`<!DOCTYPE x [<!ENTITY a "b">]><lcm:SubmitObjectsRequest ${LCM}/>`));
    expect(errors[0]?.codeContext).toMatch(/DOCTYPE/);
  });

  it("names ebXML 2.1 when that is what was sent", () => {
    const v21 = readFileSync(join(SAMPLES, "../ebxml21/nist-11990-single_doc.xml"));
    const errors = errorsOf(parseSubmitObjectsRequest(v21));
    expect(errors[0]?.codeContext).toMatch(/ebXML 2\.1/);
  });

  it("returns every structural error at once with its location", () => {
    const xml = `<lcm:SubmitObjectsRequest ${LCM} ${RIM}><rim:RegistryObjectList>
      <rim:Association id="a1" associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"/>
      <rim:ExtrinsicObject id="Document01" mimeType="text/plain">
        <rim:ExternalIdentifier id="ei1" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"/>
        <rim:Classification id="c1"/>
      </rim:ExtrinsicObject>
      <rim:Slot name="orphan"/>
      <rim:ExtrinsicObject mimeType="text/plain"/>
    </rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    const errors = errorsOf(parseSubmitObjectsRequest(xml));
    const summary = errors.map((e) => `${e.location}: ${e.codeContext}`);
    expect(summary).toEqual([
      "a1: rim:Association has no sourceObject attribute",
      "a1: rim:Association has no targetObject attribute",
      "ei1: rim:ExternalIdentifier has no value attribute",
      "c1: a Classification needs a classificationScheme or a classificationNode",
      "rim:Slot: rim:Slot is not an XDS registry object",
      "rim:ExtrinsicObject: rim:ExtrinsicObject has no id attribute",
    ]);
    expect(errors.every((e) => e.errorCode === "XDSRegistryMetadataError")).toBe(true);
  });

  it("lets a nested ExternalIdentifier and Classification default their parent reference", () => {
    const xml = `<lcm:SubmitObjectsRequest ${LCM} ${RIM}><rim:RegistryObjectList>
      <rim:ExtrinsicObject id="Document01" mimeType="text/plain">
        <rim:Classification id="c1" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a" nodeRepresentation="x"/>
        <rim:ExternalIdentifier id="e1" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="1.2.3"/>
      </rim:ExtrinsicObject>
    </rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    const r = parseSubmitObjectsRequest(xml);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const eo = r.value.objects[0];
    expect(eo?.kind === "ExtrinsicObject" && eo.classifications[0]?.classifiedObject).toBe("Document01");
    expect(eo?.kind === "ExtrinsicObject" && eo.externalIdentifiers[0]?.registryObject).toBe("Document01");
  });
});

describe("ProvideAndRegisterDocumentSetRequest", () => {
  it("decodes an inline base64 document (OpenHIM sample)", () => {
    const r = parseProvideAndRegisterRequest(sample("openhim-mediator-xds/pnr2.xml"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.documents).toHaveLength(1);
    const doc = r.value.documents[0];
    expect(doc?.id).toBe("Document01");
    expect(doc?.payload.kind).toBe("inline");
    if (doc?.payload.kind === "inline") expect(Buffer.from(doc.payload.bytes).toString()).toBe("My test document");
  });

  it("keeps xop:Include hrefs for the SOAP layer to resolve, and writes them back", () => {
    const xml = `<xdsb:ProvideAndRegisterDocumentSetRequest ${XDSB} ${LCM} ${RIM} xmlns:xop="http://www.w3.org/2004/08/xop/include">
      <lcm:SubmitObjectsRequest><rim:RegistryObjectList/></lcm:SubmitObjectsRequest>
      <xdsb:Document id="Document01"><xop:Include href="cid:1.urn%3Auuid%3Aabc%40apache.org"/></xdsb:Document>
    </xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const r = parseProvideAndRegisterRequest(xml);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.documents[0]?.payload).toEqual({ kind: "xop", href: "cid:1.urn%3Auuid%3Aabc%40apache.org" });
    expect(serializeProvideAndRegisterRequest(r.value)).toContain('<xop:Include href="cid:1.urn%3Auuid%3Aabc%40apache.org"/>');
  });

  it("reports a Document that is neither base64 nor xop, and one without id", () => {
    const xml = `<xdsb:ProvideAndRegisterDocumentSetRequest ${XDSB} ${LCM} ${RIM}>
      <lcm:SubmitObjectsRequest><rim:RegistryObjectList/></lcm:SubmitObjectsRequest>
      <xdsb:Document id="Document01">not base64!</xdsb:Document>
      <xdsb:Document>QUJD</xdsb:Document>
    </xdsb:ProvideAndRegisterDocumentSetRequest>`;
    const errors = errorsOf(parseProvideAndRegisterRequest(xml, { metadataError: "XDSRepositoryMetadataError" }));
    expect(errors.map((e) => [e.errorCode, e.location])).toEqual([
      ["XDSRepositoryMetadataError", "Document01"],
      ["XDSRepositoryMetadataError", "Document"],
    ]);
  });
});

describe("RegistryResponse", () => {
  it("is Failure with every error listed when any error has severity Error", () => {
    const res = registryResponseOf([
      xdsError("XDSPatientIdDoesNotMatch", "patient differs", "Document01"),
      xdsWarning("XDSExtraMetadataNotSaved", "urn:my:slot ignored", "Document01"),
    ]);
    expect(res.status).toBe(RESPONSE_STATUS.failure);
    const back = parseRegistryResponse(serializeRegistryResponse(res));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value.errors.map((e) => [e.errorCode, e.severity, e.location])).toEqual([
      ["XDSPatientIdDoesNotMatch", ERROR_SEVERITY.error, "Document01"],
      ["XDSExtraMetadataNotSaved", ERROR_SEVERITY.warning, "Document01"],
    ]);
    expect(serializeRegistryResponse(res)).toContain(`highestSeverity="${ERROR_SEVERITY.error}"`);
  });

  it("is Success with warnings only, and Success with no error list when clean", () => {
    expect(registryResponseOf([xdsWarning("XDSExtraMetadataNotSaved", "x")]).status).toBe(RESPONSE_STATUS.success);
    const clean = serializeRegistryResponse(registryResponseOf([]));
    expect(clean).toContain(RESPONSE_STATUS.success);
    expect(clean).not.toContain("RegistryErrorList");
  });

  it("reads a NIST Success that carries a RegistryErrorList", () => {
    const r = parseRegistryResponse(sample("nist-iheos-toolkit2/messagevalidator/regresp-suc-err.xml"));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.errors.length).toBeGreaterThan(0);
  });
});

describe("AdhocQueryRequest", () => {
  it("reads the stored query id, return type and parameters as sent (NIST sq-req)", () => {
    const r = parseAdhocQueryRequest(sample("nist-iheos-toolkit2/messagevalidator/sq-req.xml"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.returnType).toBe("LeafClass");
    expect(r.value.query.id).toBe(STORED_QUERY.findDocuments);
    expect(r.value.query.slots.map((s) => s.name)).toEqual([
      "$XDSDocumentEntryPatientId",
      "$XDSDocumentEntryStatus",
      "$XDSDocumentEntryClassCode",
    ]);
    expect(r.value.query.slots[0]?.values).toEqual(["'c4d77e21d0dd487^^^&1.3.6.1.4.1.21367.2005.3.7&ISO'"]);
  });

  it("reports a request without AdhocQuery", () => {
    const xml = '<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"><query:ResponseOption returnType="LeafClass"/></query:AdhocQueryRequest>';
    expect(errorsOf(parseAdhocQueryRequest(xml))[0]?.codeContext).toMatch(/no rim:AdhocQuery/);
  });
});

describe("RemoveObjectsRequest", () => {
  it("reads the ObjectRefs of NIST 30001 remove_all", () => {
    const r = parseRemoveObjectsRequest(sample("nist-iheos-toolkit2/testkit/tests/30001/remove/remove_all.xml"));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.objectRefs.length).toBe(3);
  });
});

describe("RetrieveDocumentSet", () => {
  it("reads every DocumentRequest and reports missing ids", () => {
    const envelope = parseXml(sample("nist-iheos-toolkit2/messagevalidator/soap-ret-req.xml"));
    const body = firstChild(envelope, NS.soap12, "Body");
    const ok = parseRetrieveDocumentSetRequest(body ? (childElements(body)[0] ?? body) : envelope);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.value.documentRequests).toHaveLength(2);
    const xml = `<RetrieveDocumentSetRequest xmlns="urn:ihe:iti:xds-b:2007"><DocumentRequest><RepositoryUniqueId>1.2</RepositoryUniqueId></DocumentRequest></RetrieveDocumentSetRequest>`;
    const errors = errorsOf(parseRetrieveDocumentSetRequest(xml));
    expect(errors.map((e) => [e.errorCode, e.location])).toEqual([["XDSDocumentUniqueIdError", "DocumentRequest[1]"]]);
  });

  it("round-trips a response with an inline and an xop document", () => {
    const res = {
      registryResponse: { status: RESPONSE_STATUS.partialSuccess, responseSlots: [], errors: [] },
      documentResponses: [
        { repositoryUniqueId: "1.2.3", documentUniqueId: "1.2.3.4", mimeType: "text/plain", payload: { kind: "inline" as const, bytes: Buffer.from([0, 1, 2, 255]) } },
        { homeCommunityId: "urn:oid:1.2", repositoryUniqueId: "1.2.3", documentUniqueId: "1.2.3.5", mimeType: "application/pdf", payload: { kind: "xop" as const, href: "cid:doc1@opendsp" } },
      ],
    };
    const back = parseRetrieveDocumentSetResponse(serializeRetrieveDocumentSetResponse(res));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.value).toEqual(res);
  });
});

describe("pre-rendered LeafClass objects", () => {
  it("answer with the stored XML and the current status spliced in, reading back as the original object", () => {
    const r = parseSubmitObjectsRequest(sample("dcm4chee-xds2/RegisterOneDocument.xml"));
    if (!r.ok) throw new Error("sample does not parse");
    const original = r.value.objects.find((o) => o.kind === "ExtrinsicObject");
    if (!original || original.kind !== "ExtrinsicObject") throw new Error("no ExtrinsicObject");
    const { status: _status, ...withoutStatus } = original;
    const stored = renderRegistryObject(withoutStatus);
    const response = serializeAdhocQueryResponse({
      status: RESPONSE_STATUS.success,
      responseSlots: [],
      errors: [],
      objects: [{ kind: "PreRendered", id: original.id, xml: stored, status: "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated" }],
    });
    const back = parseAdhocQueryResponse(response);
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.value.objects).toEqual([{ ...withoutStatus, status: "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated" }]);
  });
});
