import { NS, element } from "@opendsp/ebxml";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildSoapRequest, serializeSoapEnvelope } from "../envelope/build-envelope.js";
import { parseSoapFault } from "../envelope/soap-fault.js";
import { SoapError } from "../soap-error.js";
import { dispatchSoapRequest, type SoapHttpHeaders, type SoapOperation } from "./soap-dispatch.js";

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
