import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./page-cursor.js";

describe("page cursor", () => {
  it("round-trips the position of an event", () => {
    const cursor = { occurredAt: new Date("2026-12-05T10:00:00.123Z"), eventId: "0b0c1f0e-4a8e-4c1e-9d3a-7f2b5c6d8e9f" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it("refuses a cursor it did not issue with AUDIT_INVALID_CURSOR", () => {
    for (const text of ["", "bm90LWEtY3Vyc29y", Buffer.from("12|not-a-uuid").toString("base64url"), Buffer.from("x|0b0c1f0e-4a8e-4c1e-9d3a-7f2b5c6d8e9f").toString("base64url")]) {
      expect(() => decodeCursor(text), text).toThrow(expect.objectContaining({ code: "AUDIT_INVALID_CURSOR" }));
    }
  });
});
