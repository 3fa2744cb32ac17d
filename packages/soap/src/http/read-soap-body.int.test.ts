import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SoapError } from "../soap-error.js";
import { fixture, pseudoRandomChunk, splitHttpRequest } from "../test-support.js";
import { buildMtomMessage } from "../mtom/write-mtom.js";
import { readSoapHttpBody } from "./read-soap-body.js";

interface Answer {
  format?: string;
  action?: string;
  rootLength?: number;
  attachments?: { contentId: string; sha1: string; size: number }[];
  error?: string;
}

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readSoapHttpBody(req, req.headers["content-type"]);
        const attachments: Answer["attachments"] = [];
        for await (const a of body.attachments) {
          const hash = createHash("sha1");
          let size = 0;
          // Hash while streaming: the attachment is never held in memory.
          await pipeline(
            a.body,
            new Writable({
              write(chunk: Buffer, _encoding, done) {
                hash.update(chunk);
                size += chunk.length;
                done();
              },
            }),
          );
          attachments.push({ contentId: a.contentId, sha1: hash.digest("hex"), size });
        }
        const answer: Answer = { format: body.format, rootLength: body.root.length, attachments };
        if (body.action !== undefined) answer.action = body.action;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(answer));
      } catch (err) {
        res.statusCode = err instanceof SoapError && err.code === "SOAP_CONTENT_TYPE" ? 415 : 400;
        res.setHeader("connection", "close");
        res.end(JSON.stringify({ error: err instanceof SoapError ? err.code : String(err) }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xds/repository`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

async function post(contentType: string, body: Readable | Buffer): Promise<{ status: number; answer: Answer }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType },
    body: Buffer.isBuffer(body) ? body : (Readable.toWeb(body) as ReadableStream<Uint8Array>),
    duplex: "half",
  });
  return { status: res.status, answer: (await res.json()) as Answer };
}

describe("readSoapHttpBody over a real HTTP server", () => {
  it("streams a 20 MB attachment and a 3-byte one sent by buildMtomMessage", async () => {
    const size = 20 * 1024 * 1024;
    const bigHash = createHash("sha1");
    const state = { seed: 20240601 };
    let produced = 0;
    const big = new Readable({
      read() {
        if (produced >= size) {
          this.push(null);
          return;
        }
        const chunk = pseudoRandomChunk(state, Math.min(64 * 1024, size - produced));
        produced += chunk.length;
        bigHash.update(chunk);
        this.push(chunk);
      },
    });
    const small = Buffer.from([0x0d, 0x0a, 0x2d]);
    const envelope = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"/>';
    const built = buildMtomMessage({
      root: envelope,
      action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      attachments: [
        { contentId: "1.big@opendsp", contentType: "application/octet-stream", body: () => Promise.resolve(big) },
        { contentId: "2.small@opendsp", contentType: "text/plain", body: small },
      ],
    });
    const { status, answer } = await post(built.contentType, built.body);
    expect(status).toBe(200);
    expect(answer.format).toBe("mtom");
    expect(answer.action).toBe("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
    expect(answer.rootLength).toBe(Buffer.byteLength(envelope));
    expect(answer.attachments).toEqual([
      { contentId: "1.big@opendsp", sha1: bigHash.digest("hex"), size },
      { contentId: "2.small@opendsp", sha1: createHash("sha1").update(small).digest("hex"), size: 3 },
    ]);
  });

  it("reads the real Axis2 capture http-mtom-pnr.txt", async () => {
    const { headers, body } = splitHttpRequest(fixture("http-mtom-pnr.txt"));
    const contentId = "1.urn:uuid:3D4B161591CD1DEC0C1286850962319@apache.org";
    const start = body.indexOf("\n\n", body.indexOf(`Content-ID: <${contentId}>`)) + 2;
    const document = body.subarray(start, body.indexOf("\n--MIMEBoundaryurn_uuid_3D4B161591CD1DEC0C1286850962202--", start));
    const rootStart = body.indexOf("<?xml");
    const rootLength = body.indexOf("\n--MIMEBoundary", rootStart) - rootStart;

    const { status, answer } = await post(headers["content-type"] ?? "", body);
    expect(status).toBe(200);
    expect(answer).toEqual({
      format: "mtom",
      action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      rootLength,
      attachments: [{ contentId, sha1: createHash("sha1").update(document).digest("hex"), size: document.length }],
    });
  });

  it("answers a simple SOAP request and refuses other content types", async () => {
    const envelope = Buffer.from('<soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"/>');
    const simple = await post('application/soap+xml; charset=UTF-8; action="urn:ihe:iti:2007:RegistryStoredQuery"', envelope);
    expect(simple).toEqual({
      status: 200,
      answer: { format: "simple", action: "urn:ihe:iti:2007:RegistryStoredQuery", rootLength: envelope.length, attachments: [] },
    });
    expect(await post("application/json", Buffer.from("{}"))).toEqual({ status: 415, answer: { error: "SOAP_CONTENT_TYPE" } });
  });
});
