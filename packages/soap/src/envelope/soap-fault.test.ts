import { ACTION, NS, element, textContent } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { SoapError } from "../soap-error.js";
import { buildSoapRequest, serializeSoapEnvelope } from "./build-envelope.js";
import { parseSoapEnvelope } from "./soap-envelope.js";
import {
  FAULT_ACTION,
  GENERIC_FAULT_REASON,
  buildSoapFault,
  httpStatusForFault,
  parseSoapFault,
  soapFaultFromError,
  soapFaultResponse,
} from "./soap-fault.js";
import { readAddressing, requireAddressing } from "./ws-addressing.js";
import { catchError } from "../test-support.js";

const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";


describe("buildSoapFault -> parseSoapFault", () => {
  it("gives back code, subcodes, reason and addressing", () => {
    const xml = buildSoapFault({
      code: "Sender",
      subcodes: ["wsa:ActionNotSupported"],
      reason: 'The action "urn:x" cannot be processed at the receiver',
      relatesTo: "urn:uuid:req-7",
    });
    const fault = parseSoapFault(xml);
    expect(fault).toMatchObject({
      code: "Sender",
      subcodes: ["wsa:ActionNotSupported"],
      reason: 'The action "urn:x" cannot be processed at the receiver',
      detailEntries: [],
      notUnderstood: [],
      addressing: { action: FAULT_ACTION, relatesTo: ["urn:uuid:req-7"] },
    });
    expect(fault?.detail).toBeUndefined();
    expect(fault?.addressing.messageId).toMatch(/^urn:uuid:/);
    // SOAP 1.2 Part 1 §5.4: Code/Value, nested Subcode/Value, Reason/Text with xml:lang; QName prefixes are bound.
    expect(xml).toContain("<soapenv:Code><soapenv:Value xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\">soapenv:Sender</soapenv:Value>");
    expect(xml).toContain(
      '<soapenv:Subcode><soapenv:Value xmlns:wsa="http://www.w3.org/2005/08/addressing">wsa:ActionNotSupported</soapenv:Value></soapenv:Subcode>',
    );
    expect(xml).toContain('<soapenv:Text xml:lang="en">');
    // The fault is itself a well-formed SOAP 1.2 message that our own parser accepts.
    expect(parseSoapEnvelope(xml).body).toMatchObject({ ns: NS.soap12, local: "Fault" });
  });

  it("nests several subcodes and declares the namespace of each one", () => {
    const xml = buildSoapFault({
      code: "Receiver",
      subcodes: ["wsa:InvalidAddressingHeader", { ns: "urn:example:faults", local: "Deeper" }],
      reason: "r",
      detail: "some diagnostic",
      lang: "de",
    });
    expect(xml).toMatch(/<soapenv:Value xmlns:sc2="urn:example:faults">sc2:Deeper<\/soapenv:Value>/);
    expect(parseSoapFault(xml)).toMatchObject({
      code: "Receiver",
      subcodes: ["wsa:InvalidAddressingHeader", "sc2:Deeper"],
      reason: "r",
      detail: "some diagnostic",
    });
    expect(xml).toContain('xml:lang="de"');
  });

  it("refuses a subcode text with an unknown prefix (a programming error)", () => {
    expect(() => buildSoapFault({ code: "Sender", subcodes: ["xyz:Foo"], reason: "r" })).toThrow(TypeError);
  });

  it("returns undefined for an envelope that is not a fault", () => {
    const { envelope } = buildSoapRequest({ action: "a", body: element(NS.query, "AdhocQueryRequest") });
    expect(parseSoapFault(serializeSoapEnvelope(envelope))).toBeUndefined();
  });
});

describe("faults from errors", () => {
  it("a MustUnderstand failure lists the header under env:NotUnderstood with a bound prefix", () => {
    const request =
      `<env:Envelope xmlns:env="${NS.soap12}" xmlns:wsa="${NS.wsa}"><env:Header>` +
      `<wsa:Action env:mustUnderstand="1">${ACTION.iti42.request}</wsa:Action><wsa:MessageID>urn:uuid:req-mu</wsa:MessageID>` +
      `<wsse:Security xmlns:wsse="${WSSE}" env:mustUnderstand="true"/>` +
      `</env:Header><env:Body><lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}"/></env:Body></env:Envelope>`;
    const err = catchError(() => parseSoapEnvelope(request));
    const { status, body, fault } = soapFaultResponse(err);
    expect(status).toBe(500);
    expect(fault).toMatchObject({ code: "MustUnderstand", notUnderstood: [{ ns: WSSE, local: "Security" }] });
    // SOAP 1.2 Part 1 §5.4.8: <env:NotUnderstood qname="p:Security" xmlns:p="..."/>
    expect(body).toContain(`<soapenv:NotUnderstood qname="nu1:Security" xmlns:nu1="${WSSE}"/>`);
    expect(parseSoapFault(body)).toMatchObject({
      code: "MustUnderstand",
      notUnderstood: ["nu1:Security"],
      addressing: { action: FAULT_ACTION, relatesTo: ["urn:uuid:req-mu"] },
    });
  });

  it("a VersionMismatch fault carries env:Upgrade naming the SOAP 1.2 envelope", () => {
    const soap11 = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body><x xmlns="urn:x"/></s:Body></s:Envelope>`;
    const { status, body } = soapFaultResponse(catchError(() => parseSoapEnvelope(soap11)));
    expect(status).toBe(500);
    expect(body).toContain(`<soapenv:SupportedEnvelope qname="soapenv:Envelope" xmlns:soapenv="${NS.soap12}"/>`);
    expect(parseSoapFault(body)).toMatchObject({ code: "VersionMismatch", subcodes: [] });
  });

  it("an addressing failure becomes a Sender fault with subcodes and detail (HTTP 400)", () => {
    const a = readAddressing([element(NS.wsa, "MessageID", {}, ["urn:uuid:1"]), element(NS.wsa, "MessageID", {}, ["urn:uuid:2"])]);
    const { status, body } = soapFaultResponse(catchError(() => requireAddressing(a)));
    expect(status).toBe(400);
    const fault = parseSoapFault(body);
    expect(fault).toMatchObject({
      code: "Sender",
      subcodes: ["wsa:InvalidAddressingHeader", "wsa:InvalidCardinality"],
      addressing: { relatesTo: ["urn:uuid:1"] },
    });
    const entry = fault?.detailEntries[0];
    expect(entry).toMatchObject({ ns: NS.wsa, local: "ProblemHeaderQName" });
    expect(entry && textContent(entry)).toBe("wsa:MessageID");
  });

  it("a wrong action names the action in the reason", () => {
    const err = catchError(() => requireAddressing({ action: "urn:bogus" }, { expectedActions: [ACTION.iti18.request] }));
    const fault = parseSoapFault(soapFaultResponse(err).body);
    expect(fault).toMatchObject({ code: "Sender", subcodes: ["wsa:ActionNotSupported"] });
    expect(fault?.reason).toContain("urn:bogus");
  });

  it("a plain SoapError keeps its fault code, subcode and message", () => {
    const err = new SoapError("SOAP_BODY", "The SOAP Body must hold exactly one element", {
      subcode: "wsa:InvalidAddressingHeader",
    });
    expect(soapFaultFromError(err, { relatesTo: "urn:uuid:r" })).toEqual({
      code: "Sender",
      reason: "The SOAP Body must hold exactly one element",
      subcodes: [{ ns: NS.wsa, local: "InvalidAddressingHeader" }],
      relatesTo: "urn:uuid:r",
    });
    // A subcode whose prefix we cannot bind is dropped rather than written unbound.
    expect(soapFaultFromError(new SoapError("MTOM_LIMIT", "too big", { subcode: "foo:Bar" })).subcodes).toBeUndefined();
  });

  it("any other error is a Receiver fault that leaks neither its message nor its stack", () => {
    const secret = new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2");
    const { status, body, fault } = soapFaultResponse(secret, { relatesTo: "urn:uuid:q" });
    expect(status).toBe(500);
    expect(fault).toEqual({ code: "Receiver", reason: GENERIC_FAULT_REASON, relatesTo: "urn:uuid:q" });
    expect(body).not.toContain("hunter2");
    expect(body).not.toContain("10.0.0.5");
    expect(body).not.toContain("at ");
    expect(soapFaultFromError("a string thrown")).toEqual({ code: "Receiver", reason: GENERIC_FAULT_REASON });
  });
});

describe("httpStatusForFault (SOAP 1.2 Part 2 §7.5.1.2)", () => {
  it("maps Sender to 400 and every other code to 500", () => {
    expect(httpStatusForFault("Sender")).toBe(400);
    for (const code of ["Receiver", "MustUnderstand", "VersionMismatch", "DataEncodingUnknown"] as const) {
      expect(httpStatusForFault(code)).toBe(500);
    }
  });
});
