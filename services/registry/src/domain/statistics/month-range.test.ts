import { describe, expect, it } from "vitest";
import { monthOf, monthRange, monthsBetween } from "./month-range.js";

describe("months of registration", () => {
  it("bounds a month in UTC, December into January", () => {
    expect(monthRange("2026-12")).toEqual({ month: "2026-12", start: new Date("2026-12-01T00:00:00Z"), end: new Date("2027-01-01T00:00:00Z") });
    expect(monthRange("2026-13")).toBeUndefined();
    expect(monthRange("2026-1")).toBeUndefined();
    expect(monthOf(new Date("2026-10-31T23:59:59Z"))).toBe("2026-10");
  });

  it("lists the months between two instants, both included", () => {
    expect(monthsBetween(new Date("2026-11-30T10:00:00Z"), new Date("2027-02-01T00:00:00Z"))).toEqual(["2026-11", "2026-12", "2027-01", "2027-02"]);
    expect(monthsBetween(new Date("2026-11-03T00:00:00Z"), new Date("2026-11-20T00:00:00Z"))).toEqual(["2026-11"]);
  });
});
