import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createParserStats, parseMultipart, type MultipartPart } from "./multipart-parser.js";
import { readMtomMessage } from "./read-mtom.js";
import { chunked, collect, pseudoRandomChunk, settleWithin } from "../test-support.js";
import { buildMtomMessage } from "./write-mtom.js";

interface Parsed {
  headers: Readonly<Record<string, string>>;
  contentId: string | undefined;
  bytes: Buffer;
}

async function parseAll(parts: AsyncIterable<MultipartPart>): Promise<Parsed[]> {
  const out: Parsed[] = [];
  for await (const p of parts) out.push({ headers: p.headers, contentId: p.contentId, bytes: await collect(p.body) });
  return out;
}

const BOUNDARY = "MIMEBoundary_0123abcd";

describe("parseMultipart", () => {
  it("parses CRLF parts, ignoring preamble and epilogue", async () => {
    const msg = Buffer.from(
      `This is the preamble.\r\n--${BOUNDARY}\r\nContent-ID: <a>\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${BOUNDARY}\r\nContent-ID: <b>\r\n\r\n\r\n\r\n--${BOUNDARY}--\r\nepilogue`,
    );
    const parts = await parseAll(parseMultipart(chunked(msg), BOUNDARY));
    expect(parts).toEqual([
      { headers: { "content-id": "<a>", "content-type": "text/plain" }, contentId: "a", bytes: Buffer.from("hello") },
      { headers: { "content-id": "<b>" }, contentId: "b", bytes: Buffer.from("\r\n") },
    ]);
  });

  it("accepts LF line ends, transport padding, folded headers and a part with no headers", async () => {
    const msg = Buffer.from(`--${BOUNDARY} \t\nContent-Type: a/b;\n  x=y \nCONTENT-ID:<a> \n \nA\n--${BOUNDARY}  \n\nB\r\n--${BOUNDARY}-- \n`);
    const parts = await parseAll(parseMultipart(chunked(msg, [5, 40]), BOUNDARY));
    expect(parts.map((p) => [p.headers, p.bytes.toString()])).toEqual([
      [{ "content-type": "a/b; x=y", "content-id": "<a>" }, "A"],
      [{}, "B\r"],
    ]);
  });

  it("treats boundary look-alikes as data", async () => {
    const data = [
      `\r\n--${BOUNDARY}X`,
      `\r\n--${BOUNDARY}-x`,
      `\r\n--${BOUNDARY} x\r\n`,
      `\r\n--${BOUNDARY.slice(0, 5)}\r\n`,
      `x--${BOUNDARY}\r\n`, // not at a line start
      `\n--${BOUNDARY}\n`, // a bare LF delimiter in a CRLF message
      `\r\n-${BOUNDARY}\r\n`,
    ].join("");
    const msg = Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\nz${data}\r\n--${BOUNDARY}--`);
    for (const cuts of [[], [30], [40, 41, 42, 43], Array.from({ length: msg.length }, (_, i) => i)]) {
      const parts = await parseAll(parseMultipart(chunked(msg, cuts), BOUNDARY));
      expect(parts.map((p) => p.bytes.toString())).toEqual([`z${data}`]);
    }
  });

  it("skips the unread rest of a part when the next one is asked for", async () => {
    const big = Buffer.alloc(300_000, 0x61);
    const msg = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\n`),
      big,
      Buffer.from(`\r\n--${BOUNDARY}\r\nContent-ID: <b>\r\n\r\nsecond\r\n--${BOUNDARY}--\r\n`),
    ]);
    const seen: string[] = [];
    for await (const p of parseMultipart(Readable.from(msg, { objectMode: false, highWaterMark: 1024 }), BOUNDARY)) {
      seen.push(p.contentId ?? "");
      if (p.contentId === "b") expect((await collect(p.body)).toString()).toBe("second");
    }
    expect(seen).toEqual(["a", "b"]);
  });

  it("destroys the current body when the consumer leaves the loop", async () => {
    const msg = Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\nabc`);
    let body: Readable | undefined;
    for await (const p of parseMultipart(chunked(msg), BOUNDARY)) {
      body = p.body;
      break;
    }
    expect(body?.destroyed).toBe(true);
  });

  it("honours the limits", async () => {
    const three = Buffer.from(["a", "b", "c"].map((n) => `--${BOUNDARY}\r\nContent-ID: <${n}>\r\n\r\n${n.repeat(100)}\r\n`).join("") + `--${BOUNDARY}--`);
    await expect(settleWithin(parseAll(parseMultipart(chunked(three), BOUNDARY, { maxParts: 2 })))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    expect((await parseAll(parseMultipart(chunked(three), BOUNDARY, { maxParts: 3 }))).length).toBe(3);

    const longHeader = Buffer.from(`--${BOUNDARY}\r\nX-Long: ${"h".repeat(200)}\r\n\r\nbody\r\n--${BOUNDARY}--`);
    await expect(settleWithin(parseAll(parseMultipart(chunked(longHeader), BOUNDARY, { maxPartHeaderBytes: 100 })))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    // Also when the empty line never comes: the parser must not wait for it forever.
    const endless = (async function* () {
      yield Buffer.from(`--${BOUNDARY}\r\n`);
      for (;;) {
        await Promise.resolve();
        yield Buffer.from("X-Junk: 0123456789\r\n");
      }
    })();
    await expect(settleWithin(parseAll(parseMultipart(endless, BOUNDARY, { maxPartHeaderBytes: 1000 })))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
  });

  it("errors the current body with MTOM_LIMIT when the total is too large", async () => {
    const msg = Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\n${"x".repeat(5000)}\r\n--${BOUNDARY}--`);
    const gen = parseMultipart(chunked(msg, [100, 1000, 2000, 3000]), BOUNDARY, { maxTotalBytes: 2500 });
    const first = await gen.next();
    if (first.done === true) throw new Error("no part");
    await expect(settleWithin(collect(first.value.body))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    await expect(settleWithin(gen.next())).rejects.toMatchObject({ code: "MTOM_LIMIT" });
  });

  it("errors with MTOM_TRUNCATED when the source ends early, wherever it stops", async () => {
    const msg = Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\nfirst\r\n--${BOUNDARY}\r\nContent-ID: <b>\r\n\r\nsecond\r\n--${BOUNDARY}--\r\n`);
    const closeAt = msg.indexOf(`--${BOUNDARY}--`) + BOUNDARY.length + 4;
    for (let cut = 1; cut < closeAt; cut++) {
      const gen = parseMultipart(chunked(msg.subarray(0, cut)), BOUNDARY);
      await expect(settleWithin(parseAll(gen), 2000), `cut at ${cut}`).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
    }
    // Missing close delimiter entirely, body being read at the time.
    const noClose = msg.subarray(0, msg.indexOf(`\r\n--${BOUNDARY}--`));
    const gen = parseMultipart(chunked(noClose), BOUNDARY);
    await gen.next();
    const second = await gen.next();
    if (second.done === true) throw new Error("no second part");
    await expect(settleWithin(collect(second.value.body))).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
    await expect(settleWithin(gen.next())).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
  });

  it("errors the body and the generator when the source fails", async () => {
    const cause = new Error("connection reset");
    const failing = (async function* () {
      yield Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\npartial data`);
      await Promise.resolve();
      throw cause;
    })();
    const gen = parseMultipart(failing, BOUNDARY);
    const first = await gen.next();
    if (first.done === true) throw new Error("no part");
    await expect(settleWithin(collect(first.value.body))).rejects.toMatchObject({ code: "MTOM_TRUNCATED", cause });
    await expect(settleWithin(gen.next())).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
  });

  it("errors the body and the generator when a Readable source fails, and reads a Readable chunk by chunk", async () => {
    const cause = new Error("socket hang up");
    const source = new Readable({ read() {} });
    source.push(Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\npartial`));
    setImmediate(() => source.destroy(cause));
    const gen = parseMultipart(source, BOUNDARY);
    const first = await gen.next();
    if (first.done === true) throw new Error("no part");
    await expect(settleWithin(collect(first.value.body))).rejects.toMatchObject({ code: "MTOM_TRUNCATED", cause });
    await expect(settleWithin(gen.next())).rejects.toMatchObject({ code: "MTOM_TRUNCATED" });
  });

  it("leaves a Readable source open on a limit error, so the caller can still answer", async () => {
    const msg = Buffer.from(`--${BOUNDARY}\r\nContent-ID: <a>\r\n\r\n${"x".repeat(5000)}\r\n--${BOUNDARY}--`);
    const source = new Readable({ read() {} });
    for (let i = 0; i < msg.length; i += 500) source.push(msg.subarray(i, i + 500));
    await expect(settleWithin(parseAll(parseMultipart(source, BOUNDARY, { maxTotalBytes: 1000 })))).rejects.toMatchObject({ code: "MTOM_LIMIT" });
    expect(source.destroyed).toBe(false);
    source.push(null);
    source.resume();
    await settleWithin(new Promise((resolve) => source.once("end", resolve)));
  });

  it("reads an already ended Readable as an empty body", async () => {
    const source = Readable.from([], { objectMode: false });
    source.resume();
    await new Promise((resolve) => source.once("end", resolve));
    await expect(settleWithin(parseAll(parseMultipart(source, BOUNDARY)))).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
  });

  it("rejects garbage as MTOM_MALFORMED", async () => {
    const cases = [
      Buffer.from("<soap:Envelope/>"),
      Buffer.from(""),
      Buffer.from(`--${BOUNDARY}\r\nthis is not a header\r\n\r\nbody\r\n--${BOUNDARY}--`),
      Buffer.from(`--${BOUNDARY}\r\n continuation first\r\n\r\nbody\r\n--${BOUNDARY}--`),
    ];
    for (const msg of cases) {
      await expect(settleWithin(parseAll(parseMultipart(chunked(msg), BOUNDARY)))).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
    }
    await expect(parseAll(parseMultipart(chunked(cases[0] ?? Buffer.alloc(0)), "bad\r\nboundary"))).rejects.toMatchObject({ code: "MTOM_MALFORMED" });
  });
});

// Pieces that stress the delimiter search: prefixes of the delimiter, line-break bytes, full boundaries
// followed by something that makes them content.
const tricky = (boundary: string): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 24 }),
    fc.integer({ min: 0, max: boundary.length - 1 }).map((k) => Buffer.from(`\r\n--${boundary.slice(0, k)}`)),
    fc.integer({ min: 0, max: boundary.length - 1 }).map((k) => Buffer.from(`\n--${boundary.slice(0, k)}`)),
    fc.constantFrom(
      ...["\r", "\n", "\r\n", "--", "-", " ", `\r\n--${boundary}X`, `\r\n--${boundary}-X`, `\r\n--${boundary} X`, `X--${boundary}--`].map((s) =>
        Buffer.from(s),
      ),
    ),
  );

// Pieces may join into the whole boundary; RFC 2046 §5.1.1 has the sender pick a boundary that occurs in no
// part, so such content is not a message a sender can produce and is left out.
const attachmentBytes = fc
  .array(tricky(BOUNDARY), { maxLength: 12 })
  .map((pieces) => Buffer.concat(pieces))
  .filter((bytes) => !bytes.includes(`--${BOUNDARY}`));

async function roundTrip(message: Buffer, contentType: string, cuts: readonly number[]): Promise<{ root: Buffer; attachments: [string, Buffer][] }> {
  const msg = await readMtomMessage(chunked(message, cuts), contentType);
  const attachments: [string, Buffer][] = [];
  for await (const a of msg.attachments) attachments.push([a.contentId, await collect(a.body)]);
  return { root: msg.root.bytes, attachments };
}

describe("parseMultipart round trip (property)", () => {
  const messageArb = fc.record({
    root: attachmentBytes.map((b) => Buffer.concat([Buffer.from("<?xml version='1.0'?><e>"), b])),
    attachments: fc.array(attachmentBytes, { maxLength: 3 }),
  });

  async function build(m: { root: Buffer; attachments: Buffer[] }): Promise<{ wire: Buffer; contentType: string; ids: string[] }> {
    const ids = m.attachments.map((_, i) => `${i}.urn:uuid:part@test`);
    const built = buildMtomMessage({
      root: m.root,
      boundary: BOUNDARY,
      attachments: m.attachments.map((body, i) => ({ contentId: ids[i] ?? "", contentType: "application/octet-stream", body })),
    });
    return { wire: await collect(built.body), contentType: built.contentType, ids };
  }

  it("gives back the same root and attachments for every single split point", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb, async (m) => {
        const { wire, contentType, ids } = await build(m);
        for (let cut = 0; cut <= wire.length; cut++) {
          const got = await roundTrip(wire, contentType, [cut]);
          expect(got.root.equals(m.root)).toBe(true);
          expect(got.attachments.map(([id]) => id)).toEqual(ids);
          got.attachments.forEach(([, bytes], i) => expect(bytes.equals(m.attachments[i] ?? Buffer.alloc(0))).toBe(true));
        }
      }),
      { numRuns: 15 },
    );
  });

  it("gives back the same root and attachments for random multi-splits and byte-by-byte feeding", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb, fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), async (m, rawCuts, oneByOne) => {
        const { wire, contentType } = await build(m);
        const cuts = oneByOne ? Array.from({ length: wire.length }, (_, i) => i) : rawCuts.map((c) => c % (wire.length + 1));
        const got = await roundTrip(wire, contentType, cuts);
        expect(got.root.equals(m.root)).toBe(true);
        expect(got.attachments.length).toBe(m.attachments.length);
        got.attachments.forEach(([, bytes], i) => expect(bytes.equals(m.attachments[i] ?? Buffer.alloc(0))).toBe(true));
      }),
      { numRuns: 200 },
    );
  });
});

describe("backpressure", () => {
  it("streams a 50 MB attachment through a slow consumer without buffering it", async () => {
    const total = 50 * 1024 * 1024;
    const chunk = 64 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxInFlight = 0;
    const state = { seed: 12345 };
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const n = Math.min(chunk, total - produced);
        produced += n;
        this.push(pseudoRandomChunk(state, n));
      },
    });
    const built = buildMtomMessage({
      root: "<e/>",
      attachments: [{ contentId: "big@x", contentType: "application/octet-stream", body: () => Promise.resolve(source) }],
    });
    const stats = createParserStats();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const msg = await readMtomMessage(built.body, built.contentType, {}, { stats });
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(c: Buffer, _enc, done) {
        consumed += c.length;
        maxInFlight = Math.max(maxInFlight, produced - consumed);
        if (++writes % 64 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        // Slower than the producer: yield to the event loop on every chunk, sleep now and then.
        if (writes % 16 === 0) setTimeout(done, 1);
        else setImmediate(done);
      },
    });
    for await (const a of msg.attachments) await pipeline(a.body, slow);
    expect(consumed).toBe(total);
    expect(stats.maxBufferedBytes).toBeLessThan(256 * 1024);
    expect(maxInFlight).toBeLessThan(4 * 1024 * 1024);
    const growthMb = (rssPeak - rssBefore) / 1024 / 1024;
    console.log(`backpressure: in flight max ${(maxInFlight / 1024).toFixed(0)} KiB, parser buffer max ${(stats.maxBufferedBytes / 1024).toFixed(0)} KiB, RSS growth ${growthMb.toFixed(1)} MB`);
    // Loose: RSS also holds garbage not yet collected; buffering the attachment would add 50 MB on top.
    expect(growthMb).toBeLessThan(150);
  }, 60_000);
});
