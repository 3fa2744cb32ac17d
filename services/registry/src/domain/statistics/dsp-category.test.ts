import { parseCodesXml } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CODES_FILE } from "../../codes.js";
import { CATEGORISED_CODES, categoryOf } from "./dsp-category.js";

const LOINC = "2.16.840.1.113883.6.1";
const none = { code: "", scheme: "" };

describe("DSP categories of the shipped affinity-domain codes", () => {
  it("names only classCodes of config/codes.xml", () => {
    const classCodes = parseCodesXml(readFileSync(DEFAULT_CODES_FILE)).codeTypes.get("classCode");
    const shipped = new Set((classCodes?.codes ?? []).map((c) => `${c.codingScheme}|${c.code}`));
    expect(CATEGORISED_CODES.filter((c) => !shipped.has(c))).toEqual([]);
  });

  it("takes the classCode first, then the typeCode, else other", () => {
    expect(categoryOf({ code: "11502-2", scheme: LOINC }, none)).toBe("lab-results");
    expect(categoryOf({ code: "59258-4", scheme: LOINC }, { code: "11502-2", scheme: LOINC })).toBe("emergency-summaries");
    expect(categoryOf({ code: "X", scheme: "1.2.3" }, { code: "57833-6", scheme: LOINC })).toBe("prescriptions");
    expect(categoryOf({ code: "DSP-CERT-INCAP", scheme: "1.3.6.1.4.1.59999.1.1" }, none)).toBe("certificates");
    expect(categoryOf({ code: "11488-4", scheme: LOINC }, { code: "11488-4", scheme: LOINC })).toBe("other");
    // Same code in another coding scheme is not the same code.
    expect(categoryOf({ code: "11502-2", scheme: "1.2.3" }, none)).toBe("other");
  });
});
