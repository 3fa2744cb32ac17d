import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseContentType } from "../mime/content-type.js";
import { readMtomMessage } from "./read-mtom.js";
import { collect, settleWithin } from "../test-support.js";
import { buildMtomMessage } from "./write-mtom.js";

describe("buildMtomMessage", () => {
  it("writes the Content-Type and part headers Axis2, CXF and NIST expect, with CRLF line ends", async () => {
    const built = buildMtomMessage({
      root: "<soapenv:Envelope/>",
      action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      boundary: "MIMEBoundary_abc",
      rootContentId: "root@opendsp",
      attachments: [{ contentId: "<doc1@opendsp>", contentType: "text/plain", body: Buffer.from("Hello") }],
    });
    expect(built.contentType).toBe(
      'multipart/related; boundary="MIMEBoundary_abc"; type="application/xop+xml"; start="<root@opendsp>"; start-info="application/soap+xml"; action="urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b"',
    );
    expect((await collect(built.body)).toString()).toBe(
      [
        "--MIMEBoundary_abc",
        'Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"',
        "Content-Transfer-Encoding: binary",
        "Content-ID: <root@opendsp>",
        "",
        "<soapenv:Envelope/>",
        "--MIMEBoundary_abc",
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: binary",
        "Content-ID: <doc1@opendsp>",
        "",
        "Hello",
        "--MIMEBoundary_abc--",
        "",
      ].join("\r\n"),
    );
  });

  it("chooses a random MIMEBoundary_ boundary and root Content-ID, and omits action when not given", () => {
    const a = buildMtomMessage({ root: "<e/>", attachments: [] });
    const b = buildMtomMessage({ root: "<e/>", attachments: [] });
    const ct = parseContentType(a.contentType);
    expect(ct.params["boundary"]).toMatch(/^MIMEBoundary_[0-9a-f]{48}$/);
    expect(ct.params["boundary"]).not.toBe(parseContentType(b.contentType).params["boundary"]);
    expect(ct.params["start"]).toBe(`<${a.rootContentId}>`);
    expect(ct.params["action"]).toBeUndefined();
    expect(a.contentType).not.toContain("action");
  });

  it("calls attachment factories lazily, in order, and streams Buffers, Readables and factories alike", async () => {
    const calls: string[] = [];
    const built = buildMtomMessage({
      root: "<e/>",
      attachments: [
        { contentId: "a", contentType: "text/plain", body: Buffer.from("A") },
        { contentId: "b", contentType: "text/plain", body: Readable.from([Buffer.from("B1"), Buffer.from("B2")]) },
        {
          contentId: "c",
          contentType: "application/pdf",
          body: () => {
            calls.push("c");
            return Promise.resolve(Readable.from([Buffer.from("C")]));
          },
        },
      ],
    });
    expect(calls).toEqual([]);
    const msg = await readMtomMessage(built.body, built.contentType);
    const got: [string, string | undefined, string][] = [];
    for await (const att of msg.attachments) got.push([att.contentId, att.contentType, (await collect(att.body)).toString()]);
    expect(got).toEqual([
      ["a", "text/plain", "A"],
      ["b", "text/plain", "B1B2"],
      ["c", "application/pdf", "C"],
    ]);
    expect(calls).toEqual(["c"]);
  });

  it("destroys the message stream with the error of an attachment source", async () => {
    const failure = new Error("disk gone");
    const built = buildMtomMessage({
      root: "<e/>",
      attachments: [
        {
          contentId: "a",
          contentType: "text/plain",
          body: () =>
            Promise.resolve(
              new Readable({
                read() {
                  this.destroy(failure);
                },
              }),
            ),
        },
      ],
    });
    await expect(settleWithin(collect(built.body))).rejects.toBe(failure);
    expect(built.body.destroyed).toBe(true);
  });

  it("closes a stalled attachment source when the message stream is destroyed", async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(Buffer.from("some bytes"));
    const built = buildMtomMessage({ root: "<e/>", attachments: [{ contentId: "a", contentType: "text/plain", body: stalled }] });
    let seen = 0;
    await new Promise<void>((resolve) => {
      built.body.on("data", (c: Buffer) => {
        seen += c.length;
        if (c.toString().includes("some bytes")) resolve();
      });
    });
    built.body.destroy();
    await new Promise((resolve) => stalled.once("close", resolve));
    expect(stalled.destroyed).toBe(true);
    expect(seen).toBeGreaterThan(0);
  });

  it("knows its length when every part's size is known, and not otherwise", async () => {
    const known = buildMtomMessage({
      root: "<e/>",
      attachments: [
        { contentId: "a", contentType: "text/plain", body: Buffer.from("A") },
        { contentId: "b", contentType: "text/plain", body: Readable.from([Buffer.from("B1"), Buffer.from("B22")]), size: 5 },
        { contentId: "c", contentType: "application/pdf", body: () => Promise.resolve(Readable.from([Buffer.from("C")])), size: 1 },
      ],
    });
    expect(known.contentLength).toBe((await collect(known.body)).length);
    const unknown = buildMtomMessage({ root: "<e/>", attachments: [{ contentId: "b", contentType: "text/plain", body: Readable.from([Buffer.from("B")]) }] });
    expect(unknown.contentLength).toBeUndefined();
    const noParts = buildMtomMessage({ root: "<e/>", attachments: [] });
    expect(noParts.contentLength).toBe((await collect(noParts.body)).length);
  });

  it("fails the message when a source yields more or fewer bytes than its declared size", async () => {
    for (const size of [3, 5]) {
      const built = buildMtomMessage({
        root: "<e/>",
        attachments: [{ contentId: "a", contentType: "text/plain", body: Readable.from([Buffer.from("ABCD")]), size }],
      });
      await expect(settleWithin(collect(built.body))).rejects.toThrow(/declared/);
      expect(built.body.destroyed).toBe(true);
    }
  });

  it("refuses an invalid boundary", () => {
    expect(() => buildMtomMessage({ root: "<e/>", attachments: [], boundary: "has space" })).toThrow(/boundary/);
  });
});
