import { ACTION, NS, attribute, element, firstChild, textContent } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { buildSoapEnvelope, buildSoapRequest, buildSoapResponse, serializeSoapEnvelope } from "./build-envelope.js";
import { parseSoapEnvelope } from "./soap-envelope.js";
import { WSA_ANONYMOUS, requireAddressing } from "./ws-addressing.js";

const query = element(NS.query, "AdhocQueryRequest", {}, [
  element(NS.query, "ResponseOption", { returnType: "LeafClass", returnComposedObjects: "true" }),
  element(NS.rim, "AdhocQuery", { id: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d" }, [
    element(NS.rim, "Slot", { name: "$XDSDocumentEntryPatientId" }, [
      element(NS.rim, "ValueList", {}, [element(NS.rim, "Value", {}, ["'a<b&c^^^&1.2.3&ISO'"])]),
    ]),
  ]),
]);

describe("buildSoapRequest / buildSoapResponse round trip", () => {
  it("build -> serialize -> parse gives back action, ids, addresses and body", () => {
    const { envelope, messageId } = buildSoapRequest({
      action: ACTION.iti18.request,
      to: "https://registry.example/xds?x=1&y=2",
      body: query,
    });
    expect(messageId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    const xml = serializeSoapEnvelope(envelope);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ')).toBe(true);
    expect(xml).toContain('xmlns:wsa="http://www.w3.org/2005/08/addressing"');

    const parsed = parseSoapEnvelope(xml);
    expect(parsed.addressing).toEqual({
      action: ACTION.iti18.request,
      messageId,
      replyTo: WSA_ANONYMOUS,
      to: "https://registry.example/xds?x=1&y=2",
    });
    expect(requireAddressing(parsed.addressing, { expectedActions: [ACTION.iti18.request] })).toBe(ACTION.iti18.request);
    const action = parsed.headers[0];
    expect(action && attribute(action, "mustUnderstand", NS.soap12)).toBe("true");
    // The body survives byte-for-byte in meaning, escaping included.
    expect(parsed.body).toMatchObject({ ns: NS.query, local: "AdhocQueryRequest" });
    const adhoc = firstChild(parsed.body, NS.rim, "AdhocQuery");
    expect(adhoc && textContent(adhoc)).toBe("'a<b&c^^^&1.2.3&ISO'");

    const response = buildSoapResponse({
      request: parsed.addressing,
      action: ACTION.iti18.response,
      body: element(NS.query, "AdhocQueryResponse", { status: "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success" }),
    });
    const back = parseSoapEnvelope(serializeSoapEnvelope(response));
    expect(back.addressing.action).toBe(ACTION.iti18.response);
    expect(back.addressing.relatesTo).toEqual([messageId]);
    expect(back.addressing.messageId).toMatch(/^urn:uuid:/);
    expect(back.addressing.messageId).not.toBe(messageId);
    expect(back.body).toMatchObject({ ns: NS.query, local: "AdhocQueryResponse" });
  });

  it("keeps given ids and extra headers, and answers a request without MessageID without RelatesTo", () => {
    const extra = element("urn:example:trace", "Trace", {}, ["t-1"]);
    const { envelope, messageId } = buildSoapRequest({
      action: ACTION.iti42.request,
      messageId: "urn:uuid:fixed",
      body: query,
      extraHeaders: [extra],
    });
    expect(messageId).toBe("urn:uuid:fixed");
    const parsed = parseSoapEnvelope(serializeSoapEnvelope(envelope));
    expect(parsed.headers.map((h) => h.local)).toEqual(["Action", "MessageID", "ReplyTo", "Trace"]);
    expect(parsed.addressing.to).toBeUndefined();

    const response = buildSoapResponse({ request: { action: "a" }, action: "b", body: query, messageId: "urn:uuid:r" });
    const back = parseSoapEnvelope(serializeSoapEnvelope(response));
    expect(back.addressing).toEqual({ action: "b", messageId: "urn:uuid:r" });
  });
});

describe("buildSoapEnvelope / serializeSoapEnvelope", () => {
  it("omits env:Header when there are no header blocks and writes soapenv as the envelope prefix", () => {
    const xml = serializeSoapEnvelope({ body: element("urn:x", "Ping") });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope" ' +
        'xmlns:ns1="urn:x"><soapenv:Body><ns1:Ping/></soapenv:Body></soapenv:Envelope>',
    );
    expect(buildSoapEnvelope({ headers: [], body: element("urn:x", "Ping") }).children).toHaveLength(1);
  });
});
