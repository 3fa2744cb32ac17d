import { ACTION, NS, element, textContent } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { SoapFaultError } from "./soap-fault-error.js";
import { readAddressing, requireAddressing, responseAddressingHeaders } from "./ws-addressing.js";
import { catchError } from "../test-support.js";

const wsa = (local: string, text: string) => element(NS.wsa, local, {}, [text]);
const epr = (local: string, address: string) => element(NS.wsa, local, {}, [element(NS.wsa, "Address", {}, [` ${address}\n`])]);


describe("readAddressing", () => {
  it("reads every message addressing property, trimmed, and skips other headers", () => {
    const a = readAddressing([
      wsa("Action", `\n  ${ACTION.iti42.request}  `),
      wsa("MessageID", "urn:uuid:1"),
      wsa("To", "https://registry.example/xds"),
      epr("ReplyTo", "http://www.w3.org/2005/08/addressing/anonymous"),
      epr("FaultTo", "http://faults.example/"),
      epr("From", "http://client.example/"),
      wsa("RelatesTo", "urn:uuid:0"),
      wsa("RelatesTo", "urn:uuid:00"),
      element("urn:other", "Action", {}, ["not addressing"]),
    ]);
    expect(a).toEqual({
      action: ACTION.iti42.request,
      messageId: "urn:uuid:1",
      to: "https://registry.example/xds",
      replyTo: "http://www.w3.org/2005/08/addressing/anonymous",
      faultTo: "http://faults.example/",
      from: "http://client.example/",
      relatesTo: ["urn:uuid:0", "urn:uuid:00"],
    });
  });

  it("records repeated single-valued headers and EPRs without Address", () => {
    const a = readAddressing([wsa("MessageID", "urn:uuid:1"), wsa("MessageID", "urn:uuid:2"), element(NS.wsa, "ReplyTo")]);
    expect(a.messageId).toBe("urn:uuid:1");
    expect(a.problems).toEqual([
      { header: "MessageID", subsubcode: "wsa:InvalidCardinality" },
      { header: "ReplyTo", subsubcode: "wsa:MissingAddressInEPR" },
    ]);
  });
});

describe("requireAddressing", () => {
  it("returns the action when it is expected", () => {
    expect(requireAddressing({ action: ACTION.iti18.request }, { expectedActions: [ACTION.iti18.request] })).toBe(
      ACTION.iti18.request,
    );
    expect(requireAddressing({ action: "urn:anything" })).toBe("urn:anything");
  });

  it("faults wsa:MessageAddressingHeaderRequired when Action is missing or empty", () => {
    for (const a of [{ messageId: "urn:uuid:9" }, { action: "", messageId: "urn:uuid:9" }]) {
      const err = catchError(() => requireAddressing(a, { expectedActions: [ACTION.iti18.request] }));
      expect(err).toBeInstanceOf(SoapFaultError);
      expect(err).toMatchObject({
        code: "SOAP_ADDRESSING",
        faultCode: "Sender",
        subcode: "wsa:MessageAddressingHeaderRequired",
        requestMessageId: "urn:uuid:9",
      });
      const detail = (err as SoapFaultError).detail[0];
      expect(detail).toMatchObject({ ns: NS.wsa, local: "ProblemHeaderQName" });
      expect(detail && textContent(detail)).toBe("wsa:Action");
    }
  });

  it("requires MessageID only when asked", () => {
    expect(requireAddressing({ action: "a" })).toBe("a");
    expect(catchError(() => requireAddressing({ action: "a" }, { requireMessageId: true }))).toMatchObject({
      subcode: "wsa:MessageAddressingHeaderRequired",
      message: expect.stringContaining("wsa:MessageID") as unknown,
    });
  });

  it("faults wsa:ActionNotSupported naming the action", () => {
    const err = catchError(() =>
      requireAddressing({ action: ACTION.iti41.request }, { expectedActions: [ACTION.iti18.request, ACTION.iti42.request] }),
    );
    expect(err).toMatchObject({ code: "SOAP_ACTION", faultCode: "Sender", subcode: "wsa:ActionNotSupported" });
    expect((err as Error).message).toContain(ACTION.iti41.request);
    const detail = (err as SoapFaultError).detail[0];
    expect(detail).toMatchObject({ ns: NS.wsa, local: "ProblemAction" });
    expect(detail && textContent(detail)).toBe(ACTION.iti41.request);
  });

  it("faults wsa:InvalidAddressingHeader / wsa:InvalidCardinality on a duplicated MessageID, before checking the action", () => {
    const a = readAddressing([wsa("MessageID", "urn:uuid:1"), wsa("MessageID", "urn:uuid:2")]);
    const err = catchError(() => requireAddressing(a, { expectedActions: ["x"] }));
    expect(err).toMatchObject({
      code: "SOAP_ADDRESSING",
      subcode: "wsa:InvalidAddressingHeader",
      subsubcodes: ["wsa:InvalidCardinality"],
      requestMessageId: "urn:uuid:1",
    });
    expect((err as Error).message).toContain("wsa:MessageID");
  });

  it("faults on duplicated Action and To headers as well", () => {
    const cases = [
      { headers: [wsa("Action", "a"), wsa("Action", "b")], name: "wsa:Action" },
      { headers: [wsa("Action", "a"), wsa("To", "b"), wsa("To", "c")], name: "wsa:To" },
    ];
    for (const { headers, name } of cases) {
      const err = catchError(() => requireAddressing(readAddressing(headers)));
      expect(err).toMatchObject({ subcode: "wsa:InvalidAddressingHeader", subsubcodes: ["wsa:InvalidCardinality"] });
      expect((err as Error).message).toContain(name);
    }
  });

  it("accepts a non-anonymous ReplyTo (the reply still goes on the HTTP response)", () => {
    const a = readAddressing([wsa("Action", "a"), epr("ReplyTo", "http://client.example/callback")]);
    expect(requireAddressing(a)).toBe("a");
    expect(a.replyTo).toBe("http://client.example/callback");
  });
});

describe("responseAddressingHeaders", () => {
  it("writes Action with mustUnderstand, a fresh urn:uuid MessageID and RelatesTo", () => {
    const [action, messageId, relatesTo, ...rest] = responseAddressingHeaders({
      action: ACTION.iti18.response,
      relatesTo: "urn:uuid:req",
    });
    expect(rest).toEqual([]);
    expect(action).toEqual({
      ns: NS.wsa,
      local: "Action",
      attrs: [{ ns: NS.soap12, local: "mustUnderstand", value: "true" }],
      children: [ACTION.iti18.response],
    });
    expect(messageId && textContent(messageId)).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(relatesTo).toMatchObject({ ns: NS.wsa, local: "RelatesTo", children: ["urn:uuid:req"] });
  });

  it("uses the given MessageID and leaves RelatesTo out when the request had none", () => {
    const headers = responseAddressingHeaders({ action: "a", messageId: "urn:uuid:mine" });
    expect(headers.map((h) => [h.local, textContent(h)])).toEqual([
      ["Action", "a"],
      ["MessageID", "urn:uuid:mine"],
    ]);
  });
});
