import { describe, expect, it } from "vitest";
import { dateRangeOf } from "./fhir-date-range.js";

const iso = (range: { from?: Date; to?: Date }): { from?: string; to?: string } => ({
  ...(range.from ? { from: range.from.toISOString() } : {}),
  ...(range.to ? { to: range.to.toISOString() } : {}),
});

describe("dateRangeOf (FHIR R4 date search parameters)", () => {
  it("reads a value as the whole period its precision names", () => {
    expect(iso(dateRangeOf(["2026"]))).toEqual({ from: "2026-01-01T00:00:00.000Z", to: "2027-01-01T00:00:00.000Z" });
    expect(iso(dateRangeOf(["2026-12"]))).toEqual({ from: "2026-12-01T00:00:00.000Z", to: "2027-01-01T00:00:00.000Z" });
    expect(iso(dateRangeOf(["eq2026-12-31"]))).toEqual({ from: "2026-12-31T00:00:00.000Z", to: "2027-01-01T00:00:00.000Z" });
    expect(iso(dateRangeOf(["2026-12-05T10:00+01:00"]))).toEqual({ from: "2026-12-05T09:00:00.000Z", to: "2026-12-05T09:01:00.000Z" });
    expect(iso(dateRangeOf(["2026-12-05T10:00:00"]))).toEqual({ from: "2026-12-05T10:00:00.000Z", to: "2026-12-05T10:00:01.000Z" });
  });

  it("turns prefixes into bounds and intersects several parameters", () => {
    expect(iso(dateRangeOf(["ge2026-12-01", "le2026-12-03"]))).toEqual({ from: "2026-12-01T00:00:00.000Z", to: "2026-12-04T00:00:00.000Z" });
    expect(iso(dateRangeOf(["gt2026-12-01"]))).toEqual({ from: "2026-12-02T00:00:00.000Z" });
    expect(iso(dateRangeOf(["lt2026-12-01"]))).toEqual({ to: "2026-12-01T00:00:00.000Z" });
    expect(iso(dateRangeOf(["ge2026-01", "ge2026-06"]))).toEqual({ from: "2026-06-01T00:00:00.000Z" });
    expect(dateRangeOf([])).toEqual({});
  });

  it("refuses what it cannot read with AUDIT_INVALID_REQUEST", () => {
    for (const value of ["sa2026", "ap2026", "yesterday", "2026-13", "2026-02-30", "2026-00", "2026-12-05T25:00Z", "26-12-05"]) {
      expect(() => dateRangeOf([value]), value).toThrow(expect.objectContaining({ code: "AUDIT_INVALID_REQUEST" }));
    }
  });
});
