import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { SoapError } from "../soap-error.js";
import { readMtomMessage, type MtomAttachment } from "./read-mtom.js";
import { chunked, collect, fixedChunks, fixture, settleWithin, splitHttpRequest } from "../test-support.js";
import { buildMtomMessage } from "./write-mtom.js";

async function attachmentsOf(list: AsyncIterable<MtomAttachment>): Promise<{ contentId: string; contentType: string | undefined; bytes: Buffer }[]> {
  const out = [];
  for await (const a of list) out.push({ contentId: a.contentId, contentType: a.contentType, bytes: await collect(a.body) });
  return out;
}

/** The bytes between the part headers naming `contentId` and the next delimiter, found by plain text search. */
function expectedPartBytes(body: Buffer, contentId: string, delimiter: string): Buffer {
  const idAt = body.indexOf(`Content-ID: <${contentId}>`);
  const start = body.indexOf("\n\n", idAt) + 2;
  return body.subarray(start, body.indexOf(delimiter, start));
}

describe("readMtomMessage on real captures", () => {
  it("reads http-mtom-pnr.txt (Axis2, LF line ends, trailing blanks, unquoted boundary)", async () => {
    const { headers, body } = splitHttpRequest(fixture("http-mtom-pnr.txt"));
    const contentType = headers["content-type"] ?? "";
    for (const size of [body.length, 1, 7, 64, 1000]) {
      const msg = await readMtomMessage(fixedChunks(body, size), contentType);
      expect(msg.action).toBe("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
      expect(msg.root.contentId).toBe("0.urn:uuid:3D4B161591CD1DEC0C1286850962203@apache.org");
      expect(msg.root.charset).toBe("UTF-8");
      expect(msg.root.bytes.subarray(0, 5).toString()).toBe("<?xml");
      expect(msg.root.bytes.toString("utf8").endsWith("</soapenv:Envelope>")).toBe(true);
      const atts = await attachmentsOf(msg.attachments);
      expect(atts).toHaveLength(1);
      expect(atts[0]?.contentId).toBe("1.urn:uuid:3D4B161591CD1DEC0C1286850962319@apache.org");
      expect(atts[0]?.contentType).toBe("text/plain");
      const expected = expectedPartBytes(body, "1.urn:uuid:3D4B161591CD1DEC0C1286850962319@apache.org", "\n--MIMEBoundaryurn_uuid_3D4B161591CD1DEC0C1286850962202--");
      expect(expected.length).toBeGreaterThan(1000);
      expect(atts[0]?.bytes.equals(expected)).toBe(true);
      expect(atts[0]?.bytes.toString("utf8").startsWith("Four score and seven years ago")).toBe(true);
    }
  });

  it("reads sample_mtom_message.txt with the boundary taken from its first line", async () => {
    const body = fixture("sample_mtom_message.txt");
    const boundary = body.toString("latin1", 2, body.indexOf("\n"));
    const msg = await readMtomMessage(chunked(body), `multipart/related; boundary=${boundary}; type="application/xop+xml"`);
    expect(msg.root.contentId).toBe("1.694859fac46e21a68c012f8f4fe208a370fc32b6e07ae79f");
    expect(msg.root.bytes.subarray(0, 5).toString()).toBe("<?xml");
    expect(msg.action).toBeUndefined();
    const atts = await attachmentsOf(msg.attachments);
    expect(atts.map((a) => a.contentId)).toEqual(["2.694859fac46e21a68c012f8f4fe208a370fc32b6e07ae79f"]);
    // The document is the same my_document.txt as in the PnrXop test.
    expect(atts[0]?.bytes.equals(fixture("pnrxop-my_document.txt"))).toBe(true);
  });

  it("reads PnrXop/Xop/body.txt with the Content-Type of its testplan (no start: the root is the first part)", async () => {
    const plan = fixture("pnrxop-testplan.xml").toString("utf8");
    const contentType = /Content-Type:\s*(.*)/.exec(plan)?.[1]?.trim() ?? "";
    expect(contentType).toMatch(/^multipart\/related/);
    const body = fixture("pnrxop-body.txt");
    for (const size of [3, 100, body.length]) {
      const msg = await readMtomMessage(fixedChunks(body, size), contentType);
      expect(msg.root.contentId).toBe("0.85b57d7287e4fa4b528a8f050c41f8ad829c20332f23b48d@apache.org");
      expect(msg.root.bytes.subarray(0, 5).toString()).toBe("<?xml");
      expect(msg.root.bytes.toString("utf8")).toContain('<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include"');
      const atts = await attachmentsOf(msg.attachments);
      expect(atts).toHaveLength(1);
      expect(atts[0]?.contentId).toBe("1.b5b57d7287e4fa4b528a8f050c41f8ad829c20332f23b48d@apache.org");
      expect(atts[0]?.bytes.equals(fixture("pnrxop-my_document.txt"))).toBe(true);
    }
  });
});

/** A hand-written message: root named by start but placed second, parts with various encodings. */
function handMade(parts: string[], boundary = "b1"): Buffer {
  return Buffer.from(`preamble\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\nepilogue`);
}

describe("readMtomMessage", () => {
  it("finds the root named by start, buffers the parts before it and hands them out first", async () => {
    const body = handMade([
      "Content-ID: <before@x>\r\nContent-Type: text/plain\r\n\r\nfirst",
      'Content-ID: <root@x>\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n\r\n<soapenv:Envelope/>',
      "Content-ID: <after@x>\r\n\r\nthird",
    ]);
    const msg = await readMtomMessage(chunked(body, [10, 50, 90]), 'multipart/related; boundary=b1; start="root@x"');
    expect(msg.root.bytes.toString()).toBe("<soapenv:Envelope/>");
    const atts = await attachmentsOf(msg.attachments);
    expect(atts.map((a) => [a.contentId, a.bytes.toString()])).toEqual([
      ["before@x", "first"],
      ["after@x", "third"],
    ]);
  });

  it("matches start against a URL-encoded form of the Content-ID", async () => {
    const body = handMade(["Content-ID: <1.urn:uuid:A@x>\r\n\r\n<e/>"]);
    const msg = await readMtomMessage(chunked(body), 'multipart/related; boundary=b1; start="<1.urn%3Auuid%3AA@x>"');
    expect(msg.root.bytes.toString()).toBe("<e/>");
  });

  it("decodes base64 parts as they stream and refuses quoted-printable", async () => {
    const doc = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    const b64 = doc.toString("base64").replace(/.{76}/g, "$&\r\n");
    const body = handMade([
      "Content-ID: <r>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Buffer.from("<e/>").toString("base64"),
      "Content-ID: <d>\r\nContent-Transfer-Encoding: BASE64\r\n\r\n" + b64,
    ]);
    const msg = await readMtomMessage(fixedChunks(body, 13), "multipart/related; boundary=b1");
    expect(msg.root.bytes.toString()).toBe("<e/>");
    const atts = await attachmentsOf(msg.attachments);
    expect(atts[0]?.bytes.equals(doc)).toBe(true);

    const qp = handMade(["Content-ID: <r>\r\n\r\n<e/>", "Content-ID: <d>\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db"]);
    const msg2 = await readMtomMessage(chunked(qp), "multipart/related; boundary=b1");
    await expect(settleWithin(attachmentsOf(msg2.attachments))).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
  });

  it("does not read past the root until attachments are iterated", async () => {
    const built = buildMtomMessage({
      root: "<e/>",
      boundary: "bb",
      attachments: [{ contentId: "a@x", contentType: "text/plain", body: Buffer.from("attachment") }],
    });
    const whole = await collect(built.body);
    const rootEnd = whole.indexOf("<e/>") + 4;
    const attStart = whole.indexOf("attachment");
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (const piece of [whole.subarray(0, rootEnd), whole.subarray(rootEnd, attStart + 3), whole.subarray(attStart + 3)]) {
        pulled++;
        await Promise.resolve();
        yield piece;
      }
    }
    const msg = await readMtomMessage(source(), built.contentType);
    expect(msg.root.bytes.toString()).toBe("<e/>");
    expect(pulled).toBe(2);
    const atts = await attachmentsOf(msg.attachments);
    expect(pulled).toBe(3);
    expect(atts[0]?.bytes.toString()).toBe("attachment");
  });

  it("continues after a loop is left early, and drain() consumes the rest", async () => {
    const built = buildMtomMessage({
      root: "<e/>",
      attachments: ["a", "b", "c"].map((n) => ({ contentId: `${n}@x`, contentType: "text/plain", body: Buffer.alloc(100_000, n) })),
    });
    let ended = false;
    const source = Readable.from(built.body).on("end", () => (ended = true));
    const msg = await readMtomMessage(source, built.contentType);
    for await (const a of msg.attachments) {
      expect(a.contentId).toBe("a@x");
      break; // body left unread on purpose
    }
    for await (const a of msg.attachments) {
      expect(a.contentId).toBe("b@x");
      expect((await collect(a.body)).equals(Buffer.alloc(100_000, "b"))).toBe(true);
      break;
    }
    await settleWithin(msg.drain());
    expect(ended).toBe(true);
    await settleWithin(msg.drain());
  });

  it("reports a part without Content-ID after the root as MTOM_MALFORMED", async () => {
    const body = handMade(["Content-ID: <r>\r\n\r\n<e/>", "Content-Type: text/plain\r\n\r\nno id"]);
    const msg = await readMtomMessage(chunked(body), "multipart/related; boundary=b1");
    await expect(settleWithin(attachmentsOf(msg.attachments))).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
  });

  it("takes the action from start-info or the root part's type when the package has none (WCF)", async () => {
    const body = handMade(['Content-ID: <r>\r\nContent-Type: application/xop+xml;type="application/soap+xml;action=\\"urn:a\\""\r\n\r\n<e/>']);
    expect((await readMtomMessage(chunked(body), "multipart/related; boundary=b1")).action).toBe("urn:a");
    const ct = 'multipart/related; boundary=b1; start-info="application/soap+xml;action=\\"urn:b\\""';
    expect((await readMtomMessage(chunked(body), ct)).action).toBe("urn:b");
  });

  describe("errors", () => {
    const twoParts = handMade(["Content-ID: <r@x>\r\n\r\n<e>" + "x".repeat(500) + "</e>", "Content-ID: <a@x>\r\n\r\n" + "y".repeat(500)]);

    it("MTOM_NO_ROOT when start names no part", async () => {
      const p = readMtomMessage(chunked(twoParts, [100]), 'multipart/related; boundary=b1; start="<nothing@x>"');
      await expect(settleWithin(p)).rejects.toMatchObject({ name: "SoapError", code: "MTOM_NO_ROOT" });
    });

    it("MTOM_NO_ROOT for a package with no part at all", async () => {
      const p = readMtomMessage(chunked(Buffer.from("--b1--\r\n")), "multipart/related; boundary=b1");
      await expect(settleWithin(p)).rejects.toMatchObject({ code: "MTOM_NO_ROOT" });
    });

    it("MTOM_LIMIT when the root is larger than maxRootBytes", async () => {
      const p = readMtomMessage(fixedChunks(twoParts, 64), "multipart/related; boundary=b1", { maxRootBytes: 100 });
      await expect(settleWithin(p)).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    });

    it("MTOM_LIMIT when parts before the root exceed maxBufferedBeforeRootBytes", async () => {
      const p = readMtomMessage(chunked(twoParts), 'multipart/related; boundary=b1; start="<a@x>"', { maxBufferedBeforeRootBytes: 200 });
      await expect(settleWithin(p)).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    });

    it("MTOM_MALFORMED without a boundary, SOAP_CONTENT_TYPE for another media type", async () => {
      await expect(readMtomMessage(chunked(twoParts), "multipart/related")).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
      await expect(readMtomMessage(chunked(twoParts), "text/xml")).rejects.toBeInstanceOf(SoapError);
    });

    it("MTOM_TRUNCATED when the message stops inside the root", async () => {
      const p = readMtomMessage(chunked(twoParts.subarray(0, 200)), "multipart/related; boundary=b1");
      await expect(settleWithin(p)).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
    });

    it("MTOM_TRUNCATED on the attachment body and the iteration when the message stops inside an attachment", async () => {
      const msg = await readMtomMessage(chunked(twoParts.subarray(0, twoParts.length - 200), [600]), "multipart/related; boundary=b1");
      const it = msg.attachments[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      if (first.done === true) return;
      await expect(settleWithin(collect(first.value.body))).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
      await expect(settleWithin(it.next())).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
    });
  });
});
