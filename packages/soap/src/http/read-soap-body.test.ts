import { describe, expect, it } from "vitest";
import { buildMtomMessage } from "../mtom/write-mtom.js";
import { chunked, collect, settleWithin } from "../test-support.js";
import { readSoapHttpBody } from "./read-soap-body.js";

const ENVELOPE = Buffer.from('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"/>');

describe("readSoapHttpBody", () => {
  it("reads simple SOAP 1.2 with its action and charset", async () => {
    const body = await readSoapHttpBody(chunked(ENVELOPE, [10, 20]), 'application/soap+xml; charset=UTF-8; action="urn:ihe:iti:2007:RegistryStoredQuery"');
    expect(body.format).toBe("simple");
    expect(body.root.equals(ENVELOPE)).toBe(true);
    expect(body.action).toBe("urn:ihe:iti:2007:RegistryStoredQuery");
    expect(body.charset).toBe("UTF-8");
    const atts = [];
    for await (const a of body.attachments) atts.push(a);
    expect(atts).toEqual([]);
    await body.drain();
  });

  it("accepts text/xml leniently (SOAP 1.1 clients)", async () => {
    const body = await readSoapHttpBody(chunked(ENVELOPE), "text/xml;charset=utf-8");
    expect(body.format).toBe("simple");
    expect(body.action).toBeUndefined();
    expect(body.charset).toBe("utf-8");
  });

  it("reads MTOM, with or without the type parameter", async () => {
    const built = buildMtomMessage({
      root: ENVELOPE,
      action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      attachments: [{ contentId: "d@x", contentType: "text/plain", body: Buffer.from("doc") }],
    });
    const wire = await collect(built.body);
    for (const contentType of [built.contentType, built.contentType.replace('type="application/xop+xml"; ', "")]) {
      const body = await readSoapHttpBody(chunked(wire), contentType);
      expect(body.format).toBe("mtom");
      expect(body.root.equals(ENVELOPE)).toBe(true);
      expect(body.action).toBe("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
      expect(body.charset).toBe("UTF-8");
      const atts: [string, string][] = [];
      for await (const a of body.attachments) atts.push([a.contentId, (await collect(a.body)).toString()]);
      expect(atts).toEqual([["d@x", "doc"]]);
    }
  });

  it("refuses other content types with SOAP_CONTENT_TYPE", async () => {
    for (const ct of [undefined, "", "application/json", "multipart/form-data; boundary=x", 'multipart/related; boundary=x; type="text/xml"']) {
      await expect(settleWithin(readSoapHttpBody(chunked(ENVELOPE), ct))).rejects.toMatchObject({ name: "SoapError", code: "SOAP_CONTENT_TYPE" });
    }
  });

  it("caps a simple SOAP body at maxRootBytes", async () => {
    await expect(settleWithin(readSoapHttpBody(chunked(ENVELOPE, [5, 50]), "application/soap+xml", { maxRootBytes: 40 }))).rejects.toMatchObject({
      code: "MTOM_LIMIT",
    });
  });

  it("caps the total size of an MTOM body", async () => {
    const built = buildMtomMessage({ root: ENVELOPE, attachments: [{ contentId: "d", contentType: "text/plain", body: Buffer.alloc(10_000) }] });
    const body = await readSoapHttpBody(built.body, built.contentType, { maxTotalBytes: 5000 });
    const it = body.attachments[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done === true) throw new Error("no attachment");
    await expect(settleWithin(collect(first.value.body))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    await expect(settleWithin(body.drain())).rejects.toMatchObject({ code: "MTOM_LIMIT" });
  });
});
