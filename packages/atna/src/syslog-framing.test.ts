import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtnaError } from "./atna-error.js";
import { createOctetCountingFramer, frameOctetCounted } from "./syslog-framing.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AtnaError ? e.code : "not an AtnaError";
  }
  return undefined;
}

const messages = ["<85>1 - - - - - - <AuditMessage/>", "é ü 日本", "x", "<85>1 - - - - - - " + "a".repeat(3000)];
const stream = Buffer.concat(messages.map((m) => frameOctetCounted(m)));

describe("frameOctetCounted", () => {
  it("prefixes the byte count (not the character count) and a space (RFC 5425 section 4.3)", () => {
    expect(frameOctetCounted("é").toString("utf8")).toBe("2 é");
    expect(frameOctetCounted(Buffer.from("abc")).toString()).toBe("3 abc");
    expect(codeOf(() => frameOctetCounted(""))).toBe("ATNA_FRAME_LENGTH_INVALID");
  });
});

describe("createOctetCountingFramer", () => {
  it("returns the frames of a stream pushed at once", () => {
    const framer = createOctetCountingFramer(10_000);
    expect(framer.push(stream).map((b) => b.toString("utf8"))).toEqual(messages);
    expect(framer.pendingBytes).toBe(0);
  });

  it("returns the same frames when fed byte by byte", () => {
    const framer = createOctetCountingFramer(10_000);
    const frames: string[] = [];
    for (const byte of stream) frames.push(...framer.push(Uint8Array.of(byte)).map((b) => b.toString("utf8")));
    expect(frames).toEqual(messages);
  });

  it("returns the same frames for any chunking of the stream", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const framer = createOctetCountingFramer(10_000);
        const frames: string[] = [];
        let from = 0;
        for (const to of [...points, stream.length]) {
          frames.push(...framer.push(stream.subarray(from, to)).map((b) => b.toString("utf8")));
          from = to;
        }
        expect(frames).toEqual(messages);
        expect(framer.pendingBytes).toBe(0);
      }),
    );
  });

  it("round-trips any messages in random chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (bodies, chunk) => {
        const all = Buffer.concat(bodies.map((b) => frameOctetCounted(b)));
        const framer = createOctetCountingFramer(300);
        const frames: Buffer[] = [];
        for (let i = 0; i < all.length; i += chunk) frames.push(...framer.push(all.subarray(i, i + chunk)));
        expect(frames.map((f) => [...f])).toEqual(bodies.map((b) => [...b]));
      }),
    );
  });

  it("tells how much of an unfinished frame it holds", () => {
    const framer = createOctetCountingFramer(100);
    expect(framer.push(Buffer.from("12 hello"))).toEqual([]);
    expect(framer.pendingBytes).toBe(8);
    expect(framer.push(Buffer.from(" world!5 ab")).map(String)).toEqual(["hello world!"]);
    expect(framer.pendingBytes).toBe(4);
  });

  it("refuses a frame over the limit as soon as its length says so", () => {
    const framer = createOctetCountingFramer(1000);
    expect(framer.push(Buffer.from("100"))).toEqual([]);
    expect(codeOf(() => framer.push(Buffer.from("1")))).toBe("ATNA_FRAME_TOO_LARGE");
    expect(codeOf(() => framer.push(Buffer.from("5 hello")))).toBe("ATNA_FRAME_TOO_LARGE");
    expect(codeOf(() => createOctetCountingFramer(4).push(frameOctetCounted("hello")))).toBe("ATNA_FRAME_TOO_LARGE");
    expect(createOctetCountingFramer(5).push(frameOctetCounted("hello")).map(String)).toEqual(["hello"]);
  });

  it("refuses a length that is not NONZERO-DIGIT *DIGIT SP, such as non-transparent framing", () => {
    expect(codeOf(() => createOctetCountingFramer(100).push(Buffer.from("<85>1 - - - - - -\n")))).toBe("ATNA_FRAME_LENGTH_INVALID");
    expect(codeOf(() => createOctetCountingFramer(100).push(Buffer.from("05 hello")))).toBe("ATNA_FRAME_LENGTH_INVALID");
    expect(codeOf(() => createOctetCountingFramer(100).push(Buffer.from(" 5 hello")))).toBe("ATNA_FRAME_LENGTH_INVALID");
    expect(codeOf(() => createOctetCountingFramer(100).push(Buffer.from("5x hello")))).toBe("ATNA_FRAME_LENGTH_INVALID");
    const framer = createOctetCountingFramer(100);
    expect(framer.push(Buffer.from("1 a")).map(String)).toEqual(["a"]);
    expect(codeOf(() => framer.push(Buffer.from("\n")))).toBe("ATNA_FRAME_LENGTH_INVALID");
    expect(codeOf(() => framer.push(Buffer.from("1 a")))).toBe("ATNA_FRAME_LENGTH_INVALID");
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => createOctetCountingFramer(0)).toThrow(RangeError);
  });
});
