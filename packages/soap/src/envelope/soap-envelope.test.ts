import { readFileSync } from "node:fs";
import { ACTION, NS } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { SoapError } from "../soap-error.js";
import { parseSoapEnvelope } from "./soap-envelope.js";
import { SoapFaultError } from "./soap-fault-error.js";
import { WSA_ANONYMOUS, requireAddressing } from "./ws-addressing.js";
import { catchError } from "../test-support.js";

const fixture = (path: string): Buffer => readFileSync(new URL(`../../../../test/fixtures/samples/${path}`, import.meta.url));

const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

/** A SOAP 1.2 envelope around `header` and `body` text (tests only: hand-written wire variants). */
function envelope(header: string, body = "<q:AdhocQueryRequest xmlns:q='urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0'/>"): string {
  return (
    `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
    `<env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`
  );
}


describe("parseSoapEnvelope on real peer messages", () => {
  it("reads the NIST ITI-43 request with WCF headers (mustUnderstand=1 on Action and ReplyTo)", () => {
    const env = parseSoapEnvelope(fixture("nist-iheos-toolkit2/messagevalidator/soap-ret-req.xml"));
    expect(env.addressing).toEqual({
      action: ACTION.iti43.request,
      messageId: "urn:uuid:0fbfdced-6c01-4d09-a110-2201afedaa02",
      replyTo: WSA_ANONYMOUS,
      to: "http://localhost:2647/XdsService/IHEXDSRepository.svc",
    });
    expect(env.body).toMatchObject({ ns: NS.xdsb, local: "RetrieveDocumentSetRequest" });
    expect(env.headers.map((h) => h.local)).toEqual(["Action", "MessageID", "ReplyTo", "To"]);
    expect(requireAddressing(env.addressing, { expectedActions: [ACTION.iti43.request] })).toBe(ACTION.iti43.request);
  });

  it("reads the NIST ITI-18 request (no MessageID, a RelatesTo)", () => {
    const env = parseSoapEnvelope(fixture("nist-iheos-toolkit2/messagevalidator/soap-sq-req.xml"));
    expect(env.addressing).toEqual({
      action: ACTION.iti18.request,
      relatesTo: ["urn:uuid:F9C98547B63C44C3521268408833497"],
    });
    expect(env.body).toMatchObject({ ns: NS.query, local: "AdhocQueryRequest" });
    expect(requireAddressing(env.addressing, { expectedActions: [ACTION.iti18.request] })).toBe(ACTION.iti18.request);
  });

  it("reads the NIST ITI-41 envelope", () => {
    const env = parseSoapEnvelope(fixture("nist-iheos-toolkit2/messagevalidator/soap-pnr.xml"));
    expect(env.addressing.action).toBe(ACTION.iti41.request);
    expect(env.addressing.messageId).toBeUndefined();
    expect(env.addressing.replyTo).toBeUndefined();
    expect(env.body).toMatchObject({ ns: NS.xdsb, local: "ProvideAndRegisterDocumentSetRequest" });
  });

  it("reads the NIST Register response (no XML declaration, leading blank line)", () => {
    const env = parseSoapEnvelope(fixture("nist-iheos-toolkit2/messagevalidator/soap-r-resp.xml").toString("utf8"));
    expect(env.addressing).toEqual({
      action: ACTION.iti42.response,
      relatesTo: ["urn:uuid:1ec52e14-4aad-4ba1-b7d3-fc9812a21340"],
    });
    expect(env.body).toMatchObject({ ns: NS.rs, local: "RegistryResponse" });
  });

  it("reads the OpenHIM ITI-42 request (mustUnderstand on To; a commented-out second Header is ignored)", () => {
    const env = parseSoapEnvelope(fixture("openhim-mediator-xds/RegisterDocumentSet-bRequest_SOAP.xml"));
    expect(env.addressing).toEqual({
      action: ACTION.iti42.request,
      messageId: "urn:uuid:1ec52e14-4aad-4ba1-b7d3-fc9812a21340",
      replyTo: WSA_ANONYMOUS,
      to: "http://localhost:2647/XdsService/IHEXDSRegistry.svc",
    });
    expect(env.body).toMatchObject({ ns: NS.lcm, local: "SubmitObjectsRequest" });
  });

  it("reads the XcaDocumentSource ITI-41 request (mustUnderstand=\"true\" on MessageID, no ReplyTo)", () => {
    const env = parseSoapEnvelope(fixture("xcadocumentsource/iti41-request2.xml"));
    expect(env.addressing).toEqual({
      action: ACTION.iti41.request,
      messageId: "urn:uuid:566EAD10FEBB55C5A61257193478400",
      to: "http://localhost:5000/tf6/services/xdsrepositoryb",
    });
    expect(env.body).toMatchObject({ ns: NS.xdsb, local: "ProvideAndRegisterDocumentSetRequest" });
  });
});

describe("parseSoapEnvelope rejects what is not a SOAP 1.2 message", () => {
  it("answers a SOAP 1.1 envelope with VersionMismatch", () => {
    const soap11 =
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
      `<q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></s:Body></s:Envelope>`;
    const err = catchError(() => parseSoapEnvelope(soap11));
    expect(err).toBeInstanceOf(SoapError);
    expect(err).toMatchObject({ code: "SOAP_VERSION_MISMATCH", faultCode: "VersionMismatch" });
  });

  it("refuses another root element as SOAP_NOT_ENVELOPE (Sender)", () => {
    const err = catchError(() => parseSoapEnvelope(`<q:AdhocQueryRequest xmlns:q="${NS.query}"/>`));
    expect(err).toMatchObject({ code: "SOAP_NOT_ENVELOPE", faultCode: "Sender" });
  });

  it("refuses malformed XML as SOAP_MALFORMED_XML and keeps the parser error as cause", () => {
    const err = catchError(() => parseSoapEnvelope("<env:Envelope xmlns:env='http://www.w3.org/2003/05/soap-envelope'><env:Body>"));
    expect(err).toMatchObject({ code: "SOAP_MALFORMED_XML", faultCode: "Sender" });
    expect((err as Error).cause).toMatchObject({ name: "XmlError", code: "XML_MALFORMED" });
  });

  it("refuses a DOCTYPE", () => {
    const err = catchError(() => parseSoapEnvelope(`<?xml version="1.0"?><!DOCTYPE Envelope>${envelope("")}`));
    expect(err).toMatchObject({ code: "SOAP_XML_DOCTYPE", faultCode: "Sender" });
    expect((err as Error).cause).toMatchObject({ code: "XML_DOCTYPE" });
  });

  it("refuses a billion-laughs payload as SOAP_XML_DOCTYPE", () => {
    const lol =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
      `<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
      `<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>` +
      envelope("", "<x>&lol2;</x>");
    expect(catchError(() => parseSoapEnvelope(lol))).toMatchObject({ code: "SOAP_XML_DOCTYPE" });
  });

  it("refuses an external entity (XXE) as SOAP_XML_DOCTYPE", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + envelope("", "<x>&xxe;</x>");
    expect(catchError(() => parseSoapEnvelope(xxe))).toMatchObject({ code: "SOAP_XML_DOCTYPE" });
  });

  it("refuses an empty Body", () => {
    const err = catchError(() => parseSoapEnvelope(envelope("", "  ")));
    expect(err).toMatchObject({ code: "SOAP_BODY", faultCode: "Sender" });
  });

  it("refuses a Body with two elements and keeps the request MessageID for the fault", () => {
    const err = catchError(() =>
      parseSoapEnvelope(envelope("<wsa:MessageID>urn:uuid:m1</wsa:MessageID>", "<a xmlns='urn:x'/><b xmlns='urn:x'/>")),
    );
    expect(err).toBeInstanceOf(SoapFaultError);
    expect(err).toMatchObject({ code: "SOAP_BODY", requestMessageId: "urn:uuid:m1" });
    expect((err as Error).message).toContain("2 child elements");
  });

  it("refuses an Envelope without Body, or with elements after it", () => {
    const noBody = `<env:Envelope xmlns:env="${NS.soap12}"><env:Header/></env:Envelope>`;
    expect(catchError(() => parseSoapEnvelope(noBody))).toMatchObject({ code: "SOAP_BODY" });
    const trailing = `<env:Envelope xmlns:env="${NS.soap12}"><env:Body><a xmlns="urn:x"/></env:Body><x/></env:Envelope>`;
    expect(catchError(() => parseSoapEnvelope(trailing))).toMatchObject({ code: "SOAP_NOT_ENVELOPE" });
  });
});

describe("mustUnderstand (SOAP 1.2 Part 1 §5.2.3)", () => {
  const security = (attrs: string): string => `<wsse:Security xmlns:wsse="${WSSE}" ${attrs}/>`;

  it("faults with MustUnderstand listing every unknown mandatory header block", () => {
    const xml = envelope(
      `<wsa:Action env:mustUnderstand="true">${ACTION.iti18.request}</wsa:Action>` +
        `<wsa:MessageID>urn:uuid:req-1</wsa:MessageID>` +
        security(`env:mustUnderstand="1"`) +
        `<x:Other xmlns:x="urn:example" env:mustUnderstand="true"/>` +
        `<x:Optional xmlns:x="urn:example" env:mustUnderstand="false"/>`,
    );
    const err = catchError(() => parseSoapEnvelope(xml));
    expect(err).toBeInstanceOf(SoapFaultError);
    expect(err).toMatchObject({
      code: "SOAP_MUST_UNDERSTAND",
      faultCode: "MustUnderstand",
      requestMessageId: "urn:uuid:req-1",
      notUnderstood: [
        { ns: WSSE, local: "Security" },
        { ns: "urn:example", local: "Other" },
      ],
    });
  });

  it("accepts the header blocks the caller declares as understood", () => {
    const env = parseSoapEnvelope(envelope(security(`env:mustUnderstand="true"`)), {
      understoodHeaders: [{ ns: WSSE, local: "Security" }],
    });
    expect(env.headers.map((h) => h.local)).toEqual(["Security"]);
  });

  it("ignores a mandatory header block addressed to role none, or to a role we do not play", () => {
    const env = parseSoapEnvelope(
      envelope(
        security(`env:mustUnderstand="true" env:role="http://www.w3.org/2003/05/soap-envelope/role/none"`) +
          `<x:Other xmlns:x="urn:example" env:mustUnderstand="true" env:role="urn:example:some-intermediary"/>`,
      ),
    );
    expect(env.headers).toEqual([]);
  });

  it("treats role next and ultimateReceiver as ours", () => {
    for (const role of ["next", "ultimateReceiver"]) {
      const xml = envelope(security(`env:mustUnderstand="1" env:role="http://www.w3.org/2003/05/soap-envelope/role/${role}"`));
      expect(catchError(() => parseSoapEnvelope(xml))).toMatchObject({ faultCode: "MustUnderstand" });
    }
  });

  it("understands the WS-Addressing headers it reads but not other wsa elements", () => {
    const ok = envelope(
      `<wsa:Action env:mustUnderstand="1">a</wsa:Action><wsa:To env:mustUnderstand="1">b</wsa:To>` +
        `<wsa:ReplyTo env:mustUnderstand="1"><wsa:Address>${WSA_ANONYMOUS}</wsa:Address></wsa:ReplyTo>`,
    );
    expect(parseSoapEnvelope(ok).addressing).toEqual({ action: "a", to: "b", replyTo: WSA_ANONYMOUS });
    const unknown = envelope(`<wsa:Unknown env:mustUnderstand="1"/>`);
    expect(catchError(() => parseSoapEnvelope(unknown))).toMatchObject({ notUnderstood: [{ ns: NS.wsa, local: "Unknown" }] });
  });

  it("refuses a mustUnderstand value that is not an xs:boolean", () => {
    const err = catchError(() => parseSoapEnvelope(envelope(security(`env:mustUnderstand="yes"`))));
    expect(err).toMatchObject({ code: "SOAP_NOT_ENVELOPE", faultCode: "Sender" });
  });
});
