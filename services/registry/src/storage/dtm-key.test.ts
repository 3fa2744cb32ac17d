import { describe, expect, it } from "vitest";
import { dtmKey } from "./dtm-key.js";

describe("dtmKey", () => {
  it("pads every DTM precision to 14 digits at the start of its period", () => {
    expect(dtmKey("2026")).toBe("20260101000000");
    expect(dtmKey("202611")).toBe("20261101000000");
    expect(dtmKey("20261122")).toBe("20261122000000");
    expect(dtmKey("2026112214")).toBe("20261122140000");
    expect(dtmKey("202611221430")).toBe("20261122143000");
    expect(dtmKey("20261122143059")).toBe("20261122143059");
  });

  it("drops fractions and time zones, and orders like time", () => {
    expect(dtmKey("20261122143059.123+0100")).toBe("20261122143059");
    const keys = ["20261122", "2026", "202611221", "2025123123"].map((d) => dtmKey(d) ?? "");
    expect([...keys].sort()).toEqual(["20251231230000", "20260101000000", "20261122000000", "20261122100000"]);
  });

  it("has no key for absent or unreadable values", () => {
    expect(dtmKey(undefined)).toBeNull();
    expect(dtmKey("abc")).toBeNull();
    expect(dtmKey("202")).toBeNull();
  });
});
