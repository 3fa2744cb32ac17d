import { createOctetCountingFramer, frameOctetCounted } from "@opendsp/atna";
import { describe, expect, it } from "vitest";
import { HeldBytes, recoverFramesBeforeError } from "./frame-recovery.js";

describe("RFC 5425 frame recovery after a framing error", () => {
  it("returns the frames the failing chunk completed, then the bad frame's bytes", () => {
    const held = Buffer.from("5 ab");
    const chunk = Buffer.concat([Buffer.from("cde"), frameOctetCounted("xyz"), Buffer.from("99999999 junk")]);
    expect(() => createOctetCountingFramer(1000).push(Buffer.concat([held, chunk]))).toThrow();
    const { frames, rest } = recoverFramesBeforeError(held, chunk, 1000);
    expect(frames.map(String)).toEqual(["abcde", "xyz"]);
    expect(rest.toString()).toBe("99999999 junk");
  });

  it("keeps the held start when the bad frame began before the chunk", () => {
    const { frames, rest } = recoverFramesBeforeError(Buffer.from("12"), Buffer.from("x"), 1000);
    expect(frames).toEqual([]);
    expect(rest.toString()).toBe("12x");
  });

  it("holds only the bytes of the frame in progress", () => {
    const held = new HeldBytes();
    held.keepLast(2, Buffer.from("3 abc4 "));
    expect(held.bytes().toString()).toBe("4 ");
    held.keepLast(4, Buffer.from("ab"));
    expect(held.bytes().toString()).toBe("4 ab");
    held.keepLast(0, Buffer.from("cd"));
    expect(held.bytes().length).toBe(0);
  });
});
