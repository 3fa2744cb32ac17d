import type { CODE_TYPE_SCHEME} from "@opendsp/ebxml";
import { parseCodesXml, type Code, type CodesConfig } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIDENTIALITY, FACILITY_TYPE, FORMAT_MIME_TYPE_SUFFICIENT, PRACTICE_SETTING, confidentialityOf } from "./code-systems.js";
import { DSP_CATEGORIES } from "./dsp-categories.js";
import { guessMimeType } from "./mime-types.js";

// The command carries its own copy of the codes it sends (it runs on its own, without the registry's files); this
// test holds that copy to the registry's default affinity domain.
const DEFAULT_CODES = join(import.meta.dirname, "../../../../services/registry/config/codes.xml");
const config: CodesConfig = parseCodesXml(readFileSync(DEFAULT_CODES));

function expectInDomain(type: keyof typeof CODE_TYPE_SCHEME, codes: readonly Code[]): void {
  const known = config.codeTypes.get(type)?.codes ?? [];
  for (const c of codes) {
    const match = known.find((k) => k.code === c.code && k.codingScheme === c.codingScheme);
    expect(match, `${type} ${c.code}^^${c.codingScheme}`).toBeDefined();
    expect(match?.deprecated).toBe(false);
    if (c.displayName !== undefined) expect(c.displayName).toBe(match?.display);
  }
}

describe("codes of the command against services/registry/config/codes.xml", () => {
  it("every category is a classCode, typeCode and contentTypeCode of the default domain", () => {
    const codes = DSP_CATEGORIES.map((c) => c.code);
    expectInDomain("classCode", codes);
    expectInDomain("typeCode", codes);
    expectInDomain("contentTypeCode", codes);
  });

  it("every category of the domain's classCode list has a name", () => {
    const named = new Set(DSP_CATEGORIES.map((c) => c.code.code));
    for (const c of config.codeTypes.get("classCode")?.codes ?? []) expect(named.has(c.code), c.code).toBe(true);
  });

  it("facility types, practice settings, confidentiality and format codes are the domain's", () => {
    expectInDomain("healthcareFacilityTypeCode", Object.values(FACILITY_TYPE));
    expectInDomain("practiceSettingCode", Object.values(PRACTICE_SETTING));
    expectInDomain("confidentialityCode", CONFIDENTIALITY.map(({ code, codingScheme, displayName }) => ({ code, codingScheme, displayName: displayName ?? "" })));
    expectInDomain("formatCode", [{ code: FORMAT_MIME_TYPE_SUFFICIENT.code, codingScheme: FORMAT_MIME_TYPE_SUFFICIENT.codingScheme }]);
  });

  it("the MIME types guessed for the domain's extensions are the domain's", () => {
    const mimeTypes = new Set(config.mimeTypes.map((m) => m.code));
    for (const file of ["a.pdf", "a.XML", "a.txt", "a.jpeg", "a.jpg", "a.png", "a.dcm"]) expect(mimeTypes.has(guessMimeType(file)), file).toBe(true);
    expect(guessMimeType("a.bin")).toBe("application/octet-stream");
    expect(guessMimeType("README")).toBe("application/octet-stream");
  });

  it("reads confidentiality by code or name", () => {
    expect(confidentialityOf("r")).toEqual({ code: "R", codingScheme: "2.16.840.1.113883.5.25", displayName: "restricted" });
    expect(confidentialityOf("very-restricted")?.code).toBe("V");
    expect(confidentialityOf("secret")).toBeUndefined();
  });
});
