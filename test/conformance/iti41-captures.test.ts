import {
  ACTION,
  parseProvideAndRegisterRequest,
  validateProvideAndRegister,
  type ProvideAndRegisterDocumentSetRequest,
} from "@opendsp/ebxml";
import { parseSoapEnvelope, readSoapHttpBody, resolveXopIncludes } from "@opendsp/soap";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readFixture } from "../support/fixtures.js";

/**
 * ITI-41 as real document sources send it, through the whole message layer: HTTP body -> SOAP envelope ->
 * WS-Addressing action -> ProvideAndRegisterDocumentSetRequest -> metadata validation -> xop:Include resolution
 * with each document streamed and hashed.
 */
async function readIti41(body: Buffer, contentType: string) {
  const http = await readSoapHttpBody(Readable.from([body]), contentType);
  const envelope = parseSoapEnvelope(http.root);
  const parsed = parseProvideAndRegisterRequest(envelope.body, { metadataError: "XDSRepositoryMetadataError" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const pnr: ProvideAndRegisterDocumentSetRequest = parsed.value;
  const documents = new Map<string, { sha1: string; size: number }>();
  const includes = pnr.documents.flatMap((d) => (d.payload.kind === "xop" ? [{ key: d.id, href: d.payload.href }] : []));
  for (const d of pnr.documents) {
    if (d.payload.kind === "inline") {
      documents.set(d.id, { sha1: createHash("sha1").update(d.payload.bytes).digest("hex"), size: d.payload.bytes.length });
    }
  }
  await resolveXopIncludes(includes, http.attachments, async (key, part) => {
    const hash = createHash("sha1");
    let size = 0;
    for await (const chunk of part.body) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    documents.set(key, { sha1: hash.digest("hex"), size });
  });
  await http.drain();
  return { http, envelope, pnr, documents, validation: validateProvideAndRegister(pnr) };
}

function headerOf(capture: Buffer, name: string): { header: string; body: Buffer } {
  const text = capture.toString("latin1");
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) throw new Error("no end of headers");
  const line = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(text.slice(0, end.index));
  return { header: line?.[1]?.trim() ?? "", body: capture.subarray(end.index + end[0].length) };
}

describe("ITI-41 captures through the message layer", () => {
  it("Axis2 MTOM capture (NIST http-mtom-pnr.txt): optimized document, action from the envelope", async () => {
    const { header, body } = headerOf(readFixture("mtom", "http-mtom-pnr.txt"), "Content-Type");
    const r = await readIti41(body, header);
    expect(r.http.format).toBe("mtom");
    expect(r.envelope.addressing.action).toBe(ACTION.iti41.request);
    expect(r.pnr.documents.map((d) => d.payload.kind)).toEqual(r.pnr.documents.map(() => "xop"));
    expect([...r.documents.keys()].sort()).toEqual(r.pnr.documents.map((d) => d.id).sort());
    for (const doc of r.documents.values()) expect(doc.size).toBeGreaterThan(0);
  });

  it("NIST PnrXop body (no start parameter: the root is the first part); the document is my_document.txt", async () => {
    const plan = readFixture("mtom", "pnrxop-testplan.xml").toString();
    const contentType = /Content-Type:\s*(.+)/.exec(plan)?.[1]?.trim() ?? "";
    const r = await readIti41(readFixture("mtom", "pnrxop-body.txt"), contentType);
    const expected = readFixture("mtom", "pnrxop-my_document.txt");
    expect([...r.documents.values()]).toEqual([{ sha1: createHash("sha1").update(expected).digest("hex"), size: expected.length }]);
    expect(r.validation.errors.filter((e) => e.severity.endsWith("Error"))).toEqual([]);
  });

  it("plain SOAP with inline base64 (XcaDocumentSource iti41-request2.xml)", async () => {
    const r = await readIti41(readFixture("samples", "xcadocumentsource", "iti41-request2.xml"), 'application/soap+xml; charset=UTF-8; action="urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b"');
    expect(r.http.format).toBe("simple");
    expect(r.envelope.addressing.action).toBe(ACTION.iti41.request);
    expect(r.documents.get("Document01")?.size).toBe(438);
  });

  it("an xop:Include naming a part that is not in the message is refused", async () => {
    const { header, body } = headerOf(readFixture("mtom", "http-mtom-pnr.txt"), "Content-Type");
    const text = body.toString("latin1").replace(/href="cid:([^"]+)"/, 'href="cid:not-here@example"');
    await expect(readIti41(Buffer.from(text, "latin1"), header)).rejects.toMatchObject({ code: "MTOM_MISSING_PART" });
  });
});
