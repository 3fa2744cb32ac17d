import { describe, expect, it } from "vitest";
import { DSP_CATEGORIES, parseCodeInput } from "./dsp-categories.js";

describe("parseCodeInput", () => {
  it("takes a category name, case-insensitively", () => {
    const r = parseCodeInput("Lab-Result");
    expect(r).toMatchObject({ ok: true, code: { code: "11502-2", codingScheme: "2.16.840.1.113883.6.1" }, category: { name: "lab-result" } });
  });

  it("takes a code of the DSP list, with or without its coding scheme", () => {
    expect(parseCodeInput("18842-5")).toMatchObject({ ok: true, category: { name: "discharge-letter" } });
    expect(parseCodeInput("DSP-CERT-MED^^1.3.6.1.4.1.59999.1.1")).toMatchObject({ ok: true, category: { name: "medical-certificate" } });
  });

  it("passes any other code^^codingScheme as given (the registry checks it)", () => {
    expect(parseCodeInput("34133-9^^2.16.840.1.113883.6.1")).toEqual({ ok: true, code: { code: "34133-9", codingScheme: "2.16.840.1.113883.6.1" } });
  });

  it("refuses an unknown bare code or name, listing the names", () => {
    const r = parseCodeInput("34133-9");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("lab-result, pathology-report, imaging-report");
    expect(parseCodeInput("^^1.2.3").ok).toBe(false);
  });

  it("has distinct names and codes", () => {
    expect(new Set(DSP_CATEGORIES.map((c) => c.name)).size).toBe(DSP_CATEGORIES.length);
    expect(new Set(DSP_CATEGORIES.map((c) => `${c.code.code}^^${c.code.codingScheme}`)).size).toBe(DSP_CATEGORIES.length);
  });
});
