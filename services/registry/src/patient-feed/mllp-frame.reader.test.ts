import { describe, expect, it } from "vitest";
import { CR, FS, MllpFrameReader, VT, encodeMllpFrame, type MllpEvent } from "./mllp-frame.reader.js";

const frame = (text: string): Buffer => encodeMllpFrame(Buffer.from(text));

function texts(events: MllpEvent[]): string[] {
  return events.map((e) => (e.type === "frame" ? e.payload.toString() : e.type));
}

describe("MllpFrameReader (HL7 v2.5 Appendix C, MLLP)", () => {
  it("reads one frame and several frames in one chunk", () => {
    const reader = new MllpFrameReader();
    expect(texts(reader.push(frame("MSH|one")))).toEqual(["MSH|one"]);
    expect(texts(reader.push(Buffer.concat([frame("MSH|two"), frame("MSH|three")])))).toEqual(["MSH|two", "MSH|three"]);
  });

  it("reassembles a frame split at every byte, the FS/CR pair included", () => {
    const reader = new MllpFrameReader();
    const bytes = frame("MSH|^~\\&|split\rPID|||1");
    const events = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(texts(events)).toEqual(["MSH|^~\\&|split\rPID|||1"]);
  });

  it("ignores CR/LF between frames and accepts a frame ended by FS alone", () => {
    const reader = new MllpFrameReader();
    const events = reader.push(Buffer.concat([Buffer.from("\r\n"), Buffer.from([VT]), Buffer.from("MSH|a"), Buffer.from([FS]), frame("MSH|b")]));
    expect(texts(events)).toEqual(["MSH|a", "MSH|b"]);
  });

  it("restarts at a VT inside a frame (the sender gave up on the previous one)", () => {
    const reader = new MllpFrameReader();
    const events = reader.push(Buffer.concat([Buffer.from([VT]), Buffer.from("MSH|partial"), frame("MSH|whole")]));
    expect(texts(events)).toEqual(["MSH|whole"]);
  });

  it("reports bytes outside a frame as garbage", () => {
    const reader = new MllpFrameReader();
    expect(texts(reader.push(Buffer.from("GET / HTTP/1.1\r\n")))).toEqual(["garbage"]);
  });

  it("reports a frame over the cap once with its head, skips the rest of it, then reads the next frame", () => {
    const reader = new MllpFrameReader(100);
    const big = `MSH|^~\\&|A|B|C|D|20261122||ADT^A04|BIG1|P|2.5\r${"Z".repeat(500)}`;
    const bytes = Buffer.concat([frame(big), frame("MSH|next")]);
    const events: MllpEvent[] = [];
    for (let i = 0; i < bytes.length; i += 37) events.push(...reader.push(bytes.subarray(i, i + 37)));
    expect(texts(events)).toEqual(["oversize", "MSH|next"]);
    const oversize = events[0];
    expect(oversize?.type === "oversize" && oversize.head.toString().startsWith("MSH|^~\\&|A|B|C|D|20261122||ADT^A04|BIG1")).toBe(true);
  });

  it("accepts a frame of exactly the cap", () => {
    const reader = new MllpFrameReader(10);
    expect(texts(reader.push(frame("0123456789")))).toEqual(["0123456789"]);
    expect(texts(reader.push(Buffer.concat([Buffer.from([VT]), Buffer.from("0123456789A"), Buffer.from([FS, CR])])))).toEqual(["oversize"]);
  });
});
