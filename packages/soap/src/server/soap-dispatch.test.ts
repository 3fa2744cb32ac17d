import { NS, element } from "@opendsp/ebxml";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildSoapRequest, serializeSoapEnvelope } from "../envelope/build-envelope.js";
import { parseSoapFault } from "../envelope/soap-fault.js";
import { SoapError } from "../soap-error.js";
import { SECURITY_VERIFIED_HEADER, dispatchSoapRequest, type SoapHttpHeaders, type SoapOperation, type SoapReply } from "./soap-dispatch.js";

const ACTION = "urn:example:Echo";
const CONTENT_TYPE = `application/soap+xml; charset=UTF-8; action="${ACTION}"`;

function bytesOf(text: string): AsyncIterable<Buffer> {
  return Readable.from([Buffer.from(text, "utf8")]);
}

function request(): { text: string; messageId: string } {
  const { envelope, messageId } = buildSoapRequest({ action: ACTION, body: element(NS.query, "AdhocQueryRequest") });
  return { text: serializeSoapEnvelope(envelope), messageId };
}

describe("dispatchSoapRequest and HTTP headers", () => {
  it("hands the request's HTTP headers to the operation, and none when the caller gives none", async () => {
    const seen: SoapHttpHeaders[] = [];
    const operation: SoapOperation = {
      responseAction: `${ACTION}Response`,
      handle: ({ httpHeaders }) => {
        seen.push(httpHeaders);
        return Promise.resolve({ body: element(NS.query, "AdhocQueryResponse") });
      },
    };
    const operations = new Map([[ACTION, operation]]);
    const answered = await dispatchSoapRequest(operations, bytesOf(request().text), CONTENT_TYPE, {}, { "x-example": "one", "x-twice": ["a", "b"] });
    expect(answered.status).toBe(200);
    await dispatchSoapRequest(operations, bytesOf(request().text), CONTENT_TYPE);
    expect(seen).toEqual([{ "x-example": "one", "x-twice": ["a", "b"] }, {}]);
  });

  it("answers an operation's SOAP_HTTP_HEADER refusal with a Sender fault related to the request", async () => {
    const operation: SoapOperation = {
      responseAction: `${ACTION}Response`,
      handle: () => Promise.reject(new SoapError("SOAP_HTTP_HEADER", "x-example is malformed", { faultCode: "Sender" })),
    };
    const { text, messageId } = request();
    const answered = await dispatchSoapRequest(new Map([[ACTION, operation]]), bytesOf(text), CONTENT_TYPE, {}, { "x-example": "%" });
    expect(answered.status).toBe(400);
    if (typeof answered.body !== "string" && !Buffer.isBuffer(answered.body)) throw new Error("a fault is answered in one piece");
    const fault = parseSoapFault(answered.body);
    expect(fault).toMatchObject({ code: "Sender", reason: "x-example is malformed" });
    expect(fault?.addressing.relatesTo).toEqual([messageId]);
  });
});

describe("dispatchSoapRequest and a mandatory wsse:Security header", () => {
  const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
  const echo: SoapOperation = { responseAction: `${ACTION}Response`, handle: () => Promise.resolve({ body: element(NS.query, "AdhocQueryResponse") }) };
  const operations = new Map([[ACTION, echo]]);
  const withSecurity = (): string =>
    request().text.replace(/(<[^:>]+:Header[^>]*>)/, `$1<wsse:Security xmlns:wsse="${WSSE}" xmlns:e="http://www.w3.org/2003/05/soap-envelope" e:mustUnderstand="true"/>`);

  it("is a MustUnderstand fault when nobody verified it (SOAP 1.2 Part 1 §5.2.3)", async () => {
    const text = withSecurity();
    expect(text).toContain("wsse:Security");
    const answered = await dispatchSoapRequest(operations, bytesOf(text), CONTENT_TYPE, {}, { [SECURITY_VERIFIED_HEADER]: "something else" });
    expect(answered.status).toBe(500);
    if (typeof answered.body !== "string" && !Buffer.isBuffer(answered.body)) throw new Error("a fault is answered in one piece");
    expect(parseSoapFault(answered.body)).toMatchObject({ code: "MustUnderstand" });
  });

  it("is understood when the gateway says it verified it", async () => {
    const answered = await dispatchSoapRequest(operations, bytesOf(withSecurity()), CONTENT_TYPE, {}, { [SECURITY_VERIFIED_HEADER]: "wsse:Security" });
    expect(answered.status).toBe(200);
  });
});

describe("dispatchSoapRequest and work the answer waits for (beforeSending)", () => {
  const answerBody = (answered: { body: unknown }): string => {
    if (typeof answered.body !== "string" && !Buffer.isBuffer(answered.body)) throw new Error("a simple SOAP answer is sent in one piece");
    return answered.body.toString();
  };
  const operationWith = (beforeSending: () => Promise<SoapReply | undefined>): SoapOperation => ({
    responseAction: `${ACTION}Response`,
    handle: () => Promise.resolve({ body: element(NS.query, "AdhocQueryResponse", { status: "first" }), beforeSending: beforeSending() }),
  });

  it("answers only once the work is done, with the first reply when the work resolves to nothing", async () => {
    let done = false;
    const operation = operationWith(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = true;
      return undefined;
    });
    const answered = await dispatchSoapRequest(new Map([[ACTION, operation]]), bytesOf(request().text), CONTENT_TYPE);
    expect(done).toBe(true);
    expect(answered.status).toBe(200);
    expect(answerBody(answered)).toContain(`status="first"`);
  });

  it("sends the reply the work resolves to instead of the first one", async () => {
    const operation = operationWith(() => Promise.resolve({ body: element(NS.query, "AdhocQueryResponse", { status: "instead" }) }));
    const answered = await dispatchSoapRequest(new Map([[ACTION, operation]]), bytesOf(request().text), CONTENT_TYPE);
    expect(answerBody(answered)).toContain(`status="instead"`);
    expect(answerBody(answered)).not.toContain(`status="first"`);
  });

  it("answers a Receiver fault, not the first reply, when the work rejects", async () => {
    const operation = operationWith(() => Promise.reject(new Error("the row could not be written")));
    const answered = await dispatchSoapRequest(new Map([[ACTION, operation]]), bytesOf(request().text), CONTENT_TYPE);
    expect(answered.status).toBe(500);
    expect(parseSoapFault(answerBody(answered))).toMatchObject({ code: "Receiver" });
  });
});
