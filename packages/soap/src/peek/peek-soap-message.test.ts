import { ACTION } from "@opendsp/ebxml";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildMtomMessage } from "../mtom/write-mtom.js";
import { chunked, collect, fixedChunks, fixture } from "../test-support.js";
import { createSoapPeek, peekSoapMessage, type PeekedSoapMessage } from "./peek-soap-message.js";

const WSA = "http://www.w3.org/2005/08/addressing";
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const SIMPLE = `application/soap+xml; charset=UTF-8; action="${ACTION.iti18.request}"`;

function envelope(headers: string, body = "<q:AdhocQueryRequest xmlns:q=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\"/>"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header>${headers}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

const ITI18 = envelope(`<a:Action s:mustUnderstand="1">${ACTION.iti18.request}</a:Action><a:MessageID>urn:uuid:m-1</a:MessageID>`);

function ok(peeked: PeekedSoapMessage): Extract<PeekedSoapMessage, { ok: true }> {
  if (!peeked.ok) throw new Error(`expected a routable message, got ${peeked.error.code}: ${peeked.error.message}`);
  return peeked;
}

function failed(peeked: PeekedSoapMessage): Extract<PeekedSoapMessage, { ok: false }> {
  if (peeked.ok) throw new Error(`expected a refusal, got action ${String(peeked.addressing.action)}`);
  return peeked;
}

/** Every cut position, or a sample of them for long messages. */
function cutsOf(length: number): number[][] {
  const cuts: number[][] = [];
  const step = Math.max(1, Math.floor(length / 400));
  for (let c = 1; c < length; c += step) cuts.push([c]);
  cuts.push([1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597]);
  return cuts;
}

describe("peekSoapMessage, simple SOAP", () => {
  it("reads wsa:Action and wsa:MessageID whatever the chunk boundaries, and gives the body back byte for byte", async () => {
    const bytes = Buffer.from(ITI18);
    for (const cuts of cutsOf(bytes.length)) {
      const peeked = ok(await peekSoapMessage(chunked(bytes, cuts), SIMPLE));
      expect(peeked.format).toBe("simple");
      expect(peeked.addressing).toEqual({ action: ACTION.iti18.request, messageId: "urn:uuid:m-1", problems: [] });
      expect((await collect(peeked.body)).equals(bytes)).toBe(true);
      // Read whole only when the end came before the header did.
      expect(peeked.whole === undefined || peeked.whole.equals(bytes)).toBe(true);
    }
    // With the length declared, a message read to its end while peeking is known to be whole.
    const declared = ok(await peekSoapMessage(chunked(bytes, [100]), SIMPLE, { contentLength: bytes.length }));
    expect(declared.whole?.equals(bytes)).toBe(true);
    const oneByteAtATime = ok(await peekSoapMessage(fixedChunks(bytes, 1), SIMPLE));
    expect(oneByteAtATime.addressing.action).toBe(ACTION.iti18.request);
    expect((await collect(oneByteAtATime.body)).equals(bytes)).toBe(true);
  });

  it("resolves namespaces by URI (default namespace, other prefixes), skips comments, decodes entities and CDATA", async () => {
    const xml =
      `<!-- a comment with <tags> --><Envelope xmlns="${ENV}"><Header><!-- <Action> -->` +
      `<Action xmlns="${WSA}" xmlns:x="urn:x" x:attr='a > b'>urn:ihe:iti:2007:Registry<![CDATA[Stored]]>Query</Action>` +
      `<wsa:MessageID xmlns:wsa="${WSA}">urn:uuid:&#x61;&amp;b</wsa:MessageID>` +
      `<Action xmlns="urn:not-addressing">ignored</Action></Header><Body/></Envelope>`;
    const peeked = ok(await peekSoapMessage(chunked(Buffer.from(xml), [7, 90, 91, 200]), SIMPLE));
    expect(peeked.addressing).toEqual({ action: ACTION.iti18.request, messageId: "urn:uuid:a&b", problems: [] });
  });

  it("stops at env:Body: the body is not read past the header", async () => {
    const head = Buffer.from(ITI18.slice(0, ITI18.indexOf("<s:Body>") + 8));
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      pulled++;
      yield await Promise.resolve(head);
      pulled++;
      yield Buffer.from("<never-read-before-forwarding/>");
    }
    const peeked = ok(await peekSoapMessage(source(), SIMPLE));
    expect(pulled).toBe(1);
    expect(peeked.whole).toBeUndefined();
    expect(peeked.addressing.action).toBe(ACTION.iti18.request);
    expect((await collect(peeked.body)).toString()).toBe(`${head.toString()}<never-read-before-forwarding/>`);
  });

  it("reports no Action (wsa:Action absent, or in a block for another role), and a repeated one", async () => {
    const none = ok(await peekSoapMessage(chunked(Buffer.from(envelope(`<a:MessageID>urn:uuid:2</a:MessageID>`))), SIMPLE));
    expect(none.addressing).toEqual({ messageId: "urn:uuid:2", problems: [] });
    const otherRole = ok(await peekSoapMessage(chunked(Buffer.from(envelope(`<a:Action s:role="urn:some-proxy">x</a:Action>`))), SIMPLE));
    expect(otherRole.addressing.action).toBeUndefined();
    const noHeader = ok(await peekSoapMessage(chunked(Buffer.from(`<s:Envelope xmlns:s="${ENV}"><s:Body/></s:Envelope>`)), SIMPLE));
    expect(noHeader.addressing).toEqual({ problems: [] });
    const twice = ok(await peekSoapMessage(chunked(Buffer.from(envelope(`<a:Action>a</a:Action><a:Action>b</a:Action>`))), SIMPLE));
    expect(twice.addressing).toEqual({ action: "a", problems: [{ header: "Action", subsubcode: "wsa:InvalidCardinality" }] });
  });

  it("refuses what is not a SOAP 1.2 envelope, with the error a SOAP endpoint gives", async () => {
    const cases: [string, string, string][] = [
      [`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/></e:Envelope>`, "SOAP_VERSION_MISMATCH", "VersionMismatch"],
      [`<Envelope><Header/></Envelope>`, "SOAP_NOT_ENVELOPE", "Sender"],
      [`<!DOCTYPE x [<!ENTITY a "b">]><s:Envelope xmlns:s="${ENV}"/>`, "SOAP_XML_DOCTYPE", "Sender"],
      [`<s:Envelope xmlns:s="${ENV}"><s:Header><a:Action>`, "SOAP_MALFORMED_XML", "Sender"],
      [`<s:Envelope xmlns:s="${ENV}"><s:Header><p:Action>x</p:Action></s:Header>`, "SOAP_MALFORMED_XML", "Sender"],
      [`<s:Envelope xmlns:s="${ENV}"><s:Header></s:Body>`, "SOAP_MALFORMED_XML", "Sender"],
      [`not xml at all`, "SOAP_MALFORMED_XML", "Sender"],
    ];
    for (const [xml, code, faultCode] of cases) {
      const peeked = failed(await peekSoapMessage(chunked(Buffer.from(xml), [3]), SIMPLE));
      expect([peeked.error.code, peeked.error.faultCode], xml).toEqual([code, faultCode]);
    }
  });

  it("refuses a missing or non-SOAP Content-Type", async () => {
    expect(failed(await peekSoapMessage(chunked(Buffer.from(ITI18)), undefined)).error.code).toBe("SOAP_CONTENT_TYPE");
    expect(failed(await peekSoapMessage(chunked(Buffer.from(ITI18)), "application/json")).error.code).toBe("SOAP_CONTENT_TYPE");
    expect(failed(await peekSoapMessage(chunked(Buffer.from(ITI18)), "multipart/related; type=\"text/plain\"; boundary=b")).error.code).toBe("SOAP_CONTENT_TYPE");
  });

  it("gives up after maxPrefixBytes without the end of the header, and hands back the whole body to discard", async () => {
    const padding = `<a:Padding>${"x".repeat(200_000)}</a:Padding>`;
    const bytes = Buffer.from(envelope(`${padding}<a:Action>${ACTION.iti18.request}</a:Action>`));
    const refused = failed(await peekSoapMessage(fixedChunks(bytes, 4096), SIMPLE, { maxPrefixBytes: 64 * 1024 }));
    expect(refused.error.message).toContain("not found within the first 65536 bytes");
    expect((await collect(refused.body)).equals(bytes)).toBe(true);
    // With room enough, the same message routes.
    expect(ok(await peekSoapMessage(fixedChunks(bytes, 4096), SIMPLE, { maxPrefixBytes: 256 * 1024 })).addressing.action).toBe(ACTION.iti18.request);
  });
});

describe("peekSoapMessage, MTOM", () => {
  async function mtomOf(root: string, document: Buffer, start?: "omit"): Promise<{ bytes: Buffer; contentType: string }> {
    const message = buildMtomMessage({
      root,
      action: ACTION.iti41.request,
      attachments: [{ contentId: "doc-1@test", contentType: "application/pdf", body: document }],
    });
    const bytes = await collect(message.body);
    const contentType = start === "omit" ? message.contentType.replace(/; start="[^"]*"/, "") : message.contentType;
    return { bytes, contentType };
  }

  const ITI41 = envelope(`<a:Action>${ACTION.iti41.request}</a:Action><a:MessageID>urn:uuid:m-41</a:MessageID>`, "<x:P xmlns:x=\"urn:ihe:iti:xds-b:2007\"/>");

  it("finds the Action in the root part at every cut, and forwards every byte of the package", async () => {
    const document = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    for (const start of [undefined, "omit"] as const) {
      const { bytes, contentType } = await mtomOf(ITI41, document, start);
      for (const cuts of cutsOf(bytes.length)) {
        const peeked = ok(await peekSoapMessage(chunked(bytes, cuts), contentType));
        expect(peeked.format).toBe("mtom");
        expect(peeked.addressing).toEqual({ action: ACTION.iti41.request, messageId: "urn:uuid:m-41", problems: [] });
        expect((await collect(peeked.body)).equals(bytes)).toBe(true);
      }
    }
  });

  it("reads the NIST toolkit captures (LF line ends, trailing blanks, preamble-free Axis2 packages)", async () => {
    const capture = fixture("http-mtom-pnr.txt");
    const headerEnd = capture.indexOf("\n \n") === -1 ? capture.indexOf("\n\n") : capture.indexOf("\n \n");
    const contentType = /Content-Type: ([^\n]+)/.exec(capture.subarray(0, headerEnd).toString())?.[1]?.trim() ?? "";
    const body = capture.subarray(capture.indexOf("\n", headerEnd + 1) + 1);
    for (const cuts of [[], [10], [200, 201, 202], [400, 800, 1200]]) {
      const peeked = ok(await peekSoapMessage(chunked(body, cuts), contentType));
      expect(peeked.addressing).toEqual({ action: ACTION.iti41.request, messageId: "urn:uuid:3D4B161591CD1DEC0C1286850962146", problems: [] });
      expect((await collect(peeked.body)).equals(body)).toBe(true);
    }
    const sample = fixture("sample_mtom_message.txt");
    const boundary = sample.toString("latin1", 2, sample.indexOf("\n")).trim();
    const peeked = ok(await peekSoapMessage(fixedChunks(sample, 7), `multipart/related; boundary="${boundary}"; type="application/xop+xml"`));
    expect(peeked.addressing.action).toBe(ACTION.iti41.request);
  });

  it("finds a root part that is not the first one, as named by start", async () => {
    const boundary = "b-1";
    const bytes = Buffer.from(
      `preamble\r\n--${boundary}\r\nContent-ID: <doc>\r\nContent-Type: application/pdf\r\n\r\n%PDF-not-the-root\r\n` +
        `--${boundary}\r\nContent-ID: <root@x>\r\nContent-Type: application/xop+xml; type="application/soap+xml"\r\n\r\n${ITI41}\r\n--${boundary}--\r\n`,
    );
    const contentType = `multipart/related; boundary=${boundary}; type="application/xop+xml"; start="<root@x>"`;
    for (const cuts of cutsOf(bytes.length)) {
      expect(ok(await peekSoapMessage(chunked(bytes, cuts), contentType)).addressing.action).toBe(ACTION.iti41.request);
    }
  });

  it("refuses a package without its root part, with an encoded root, or cut before the envelope", async () => {
    const noRoot = Buffer.from(`--b\r\nContent-ID: <other>\r\n\r\n${ITI41}\r\n--b--\r\n`);
    const type = `multipart/related; boundary=b; type="application/xop+xml"`;
    expect(failed(await peekSoapMessage(chunked(noRoot), `${type}; start="<root>"`)).error.code).toBe("MTOM_NO_ROOT");
    const encoded = Buffer.from(`--b\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(ITI41).toString("base64")}\r\n--b--\r\n`);
    expect(failed(await peekSoapMessage(chunked(encoded), type)).error.code).toBe("MTOM_MALFORMED");
    expect(failed(await peekSoapMessage(chunked(Buffer.from("--b\r\nContent-ID: <r>\r\n")), type)).error.code).toBe("MTOM_TRUNCATED");
    expect(failed(await peekSoapMessage(chunked(Buffer.from("x")), "multipart/related; type=\"application/xop+xml\"")).error.code).toBe("MTOM_MALFORMED");
  });

  it("does not read the attachment of a large package before the caller forwards it", async () => {
    const { bytes, contentType } = await mtomOf(ITI41, Buffer.alloc(4 * 1024 * 1024, 7));
    let delivered = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of fixedChunks(bytes, 16 * 1024)) {
        delivered += chunk.length;
        yield chunk;
      }
    }
    const stream = Readable.from(counted(), { objectMode: false, highWaterMark: 16 * 1024 });
    const peeked = ok(await peekSoapMessage(stream, contentType));
    expect(delivered).toBeLessThan(128 * 1024);
    expect((await collect(peeked.body)).equals(bytes)).toBe(true);
  });
});

describe("peekSoapMessage, the header bytes", () => {
  // A wsse:Security block after wsa:Action: the bytes must run to the end of env:Header, not stop at the Action.
  const SECURITY = `<w:Security xmlns:w="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><t>é ${"z".repeat(3000)}</t></w:Security>`;
  const WITH_SECURITY = envelope(`<a:Action>${ACTION.iti18.request}</a:Action><a:MessageID>urn:uuid:m-2</a:MessageID>${SECURITY}`);
  const HEADER = Buffer.from(WITH_SECURITY.slice(0, WITH_SECURITY.indexOf("</s:Header>") + "</s:Header>".length));

  it("gives the envelope's bytes up to the end of env:Header, whatever the chunk boundaries", async () => {
    const bytes = Buffer.from(WITH_SECURITY);
    for (const cuts of cutsOf(bytes.length)) {
      const peeked = ok(await peekSoapMessage(chunked(bytes, cuts), SIMPLE));
      expect(peeked.headerBytes.equals(HEADER)).toBe(true);
    }
    // The Action is known after a few hundred bytes; the header bytes still hold the whole Security block.
    const peeked = ok(await peekSoapMessage(fixedChunks(bytes, 256), SIMPLE));
    expect(peeked.headerBytes.toString()).toContain("</w:Security></s:Header>");
    expect(peeked.headerBytes.toString()).not.toContain("Body");
  });

  it("gives the root part's header for MTOM, not the MIME headers and not the attachments", async () => {
    const root = WITH_SECURITY;
    const message = buildMtomMessage({ root, action: ACTION.iti41.request, attachments: [{ contentId: "doc@test", contentType: "application/pdf", body: Buffer.alloc(5000, 1) }] });
    const bytes = await collect(message.body);
    for (const cuts of [[], [1], [300], [700, 701], [2000, 4000]]) {
      const peeked = ok(await peekSoapMessage(chunked(bytes, cuts), message.contentType));
      expect(peeked.format).toBe("mtom");
      expect(peeked.headerBytes.toString()).toBe(HEADER.toString());
    }
  });

  it("stops before env:Body when there is no header, and after an empty one", async () => {
    const noHeader = `<s:Envelope xmlns:s="${ENV}"><s:Body><x/></s:Body></s:Envelope>`;
    expect(ok(await peekSoapMessage(chunked(Buffer.from(noHeader)), SIMPLE)).headerBytes.toString()).toBe(`<s:Envelope xmlns:s="${ENV}">`);
    const empty = `<s:Envelope xmlns:s="${ENV}"><s:Header/><s:Body/></s:Envelope>`;
    expect(ok(await peekSoapMessage(chunked(Buffer.from(empty)), SIMPLE)).headerBytes.toString()).toBe(`<s:Envelope xmlns:s="${ENV}"><s:Header/>`);
  });

  it("refuses a header that does not end within maxPrefixBytes, even when the Action came early", async () => {
    const bytes = Buffer.from(envelope(`<a:Action>${ACTION.iti18.request}</a:Action>${SECURITY.replace("z".repeat(3000), "z".repeat(20_000))}`));
    const refused = failed(await peekSoapMessage(fixedChunks(bytes, 1024), SIMPLE, { maxPrefixBytes: 8 * 1024 }));
    expect(refused.error.code).toBe("SOAP_ADDRESSING");
  });
});

describe("createSoapPeek (incremental)", () => {
  it("says more until the header has come, then gives the addressing and every byte given", () => {
    const bytes = Buffer.from(ITI18);
    const cut = ITI18.indexOf("</s:Header>") + 5;
    const peek = createSoapPeek(SIMPLE);
    expect(peek.format).toBe("simple");
    expect(peek.push(bytes.subarray(0, 40))).toEqual({ kind: "more" });
    expect(peek.push(bytes.subarray(40, cut))).toEqual({ kind: "more" });
    const headerEnd = ITI18.indexOf("</s:Header>") + "</s:Header>".length;
    expect(peek.push(bytes.subarray(cut))).toEqual({
      kind: "done",
      addressing: { action: ACTION.iti18.request, messageId: "urn:uuid:m-1", problems: [] },
      headerEnd,
      envelopeName: "s:Envelope",
      headerBytes: bytes.subarray(0, headerEnd),
    });
    expect(peek.bytes().equals(bytes)).toBe(true);
  });

  it("throws the routing errors: a Content-Type that is not SOAP, an end before the header, a header past the limit", () => {
    expect(() => createSoapPeek("application/json")).toThrow(expect.objectContaining({ code: "SOAP_CONTENT_TYPE" }));
    const cutShort = createSoapPeek(SIMPLE);
    cutShort.push(Buffer.from(ITI18.slice(0, 120)));
    expect(() => cutShort.end()).toThrow(expect.objectContaining({ code: "SOAP_MALFORMED_XML" }));
    const padded = createSoapPeek(SIMPLE, 4096);
    expect(() => padded.push(Buffer.from(envelope(`<a:Padding>${"x".repeat(8000)}</a:Padding>`)))).toThrow(expect.objectContaining({ code: "SOAP_ADDRESSING" }));
  });
});
