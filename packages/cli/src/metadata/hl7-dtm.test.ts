import { describe, expect, it } from "vitest";
import { dtmOf, formatDtm, parseDateInput } from "./hl7-dtm.js";

describe("HL7 DTM", () => {
  it("writes a moment as YYYYMMDDhhmmss in UTC", () => {
    expect(dtmOf(new Date("2024-03-15T10:20:30.999Z"))).toBe("20240315102030");
  });

  it("reads ISO and DTM dates at their precision, with the start of the next period", () => {
    expect(parseDateInput("2024")).toEqual({ dtm: "2024", nextPeriod: "2025" });
    expect(parseDateInput("2024-12")).toEqual({ dtm: "202412", nextPeriod: "202501" });
    expect(parseDateInput("2024-02-29")).toEqual({ dtm: "20240229", nextPeriod: "20240301" });
    expect(parseDateInput("2024-03-15T23:59")).toEqual({ dtm: "202403152359", nextPeriod: "202403160000" });
    expect(parseDateInput("2024-03-15 10:20:30Z")).toEqual({ dtm: "20240315102030", nextPeriod: "20240315102031" });
    expect(parseDateInput("20241231")).toEqual({ dtm: "20241231", nextPeriod: "20250101" });
  });

  it("refuses impossible or malformed dates instead of rolling them over", () => {
    for (const bad of ["2023-02-29", "2024-13", "2024-03-15T25:00", "15/03/2024", "24", "", "2024-3-5"]) expect(parseDateInput(bad)).toBeUndefined();
  });

  it("shows a DTM to people at the precision it has", () => {
    expect(formatDtm("20240315102030")).toBe("2024-03-15 10:20:30");
    expect(formatDtm("20240315")).toBe("2024-03-15");
    expect(formatDtm("2024")).toBe("2024");
    expect(formatDtm(undefined)).toBe("");
  });
});
