import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLASSIFICATION_SCHEME } from "../vocabulary.js";
import { checkPatientAssigningAuthority } from "./check-codes.js";
import { CODE_TYPE_SCHEME, parseCodesXml, serializeCodesXml } from "./codes-config.js";

const DEFAULT_CODES = join(import.meta.dirname, "../../../../services/registry/config/codes.xml");
const text = readFileSync(DEFAULT_CODES, "utf8");
const config = parseCodesXml(readFileSync(DEFAULT_CODES));
const LOINC = "2.16.840.1.113883.6.1";

function codesOf(name: string): Map<string, { display?: string; codingScheme: string }> {
  const type = config.codeTypes.get(name);
  if (!type) throw new Error(`no CodeType ${name}`);
  return new Map(type.codes.map((c) => [c.code, c]));
}

// Document categories the DSP publishes, with their LOINC long common names.
const DSP_CATEGORIES: readonly (readonly [string, string])[] = [
  ["11502-2", "Laboratory report"],
  ["18748-4", "Diagnostic imaging study"],
  ["18842-5", "Discharge summary"],
  ["11490-0", "Physician Discharge summary"],
  ["59258-4", "Emergency department Discharge summary"],
  ["60591-5", "Patient summary Document"],
  ["11369-6", "History of Immunization Narrative"],
  ["87273-9", "Immunization note"],
  ["57833-6", "Prescription for medication"],
  ["51855-5", "Patient Note"],
  ["57133-1", "Referral note"],
  ["11504-8", "Surgical operation note"],
  ["11488-4", "Consult note"],
  ["11526-1", "Pathology study"],
  ["11524-6", "EKG study"],
  ["11506-3", "Progress note"],
  ["18776-5", "Plan of care note"],
  ["48765-2", "Allergies and adverse reactions Document"],
  ["42348-3", "Advance healthcare directives"],
  ["18761-7", "Transfer summary note"],
  ["56445-0", "Medication summary Document"],
  ["34746-8", "Nurse Note"],
];

describe("the default Luxembourg DSP codes.xml shipped with the registry", () => {
  it("says at the top what it is, how to replace it, and that 1.3.6.1.4.1.59999 is a placeholder arc", () => {
    const header = text.slice(0, text.indexOf("<Codes>"));
    expect(header).toContain("How to replace it");
    expect(header).toMatch(/1\.3\.6\.1\.4\.1\.59999 is a placeholder arc/);
    expect(header).toContain("NIST toolkit's codes.xml");
  });

  it("has every NIST CodeType with its ITI TF-3 classScheme, plus mimeType", () => {
    for (const [name, scheme] of Object.entries(CODE_TYPE_SCHEME)) {
      expect(config.codeTypes.get(name)?.classScheme, name).toBe(scheme);
      expect(config.codeTypes.get(name)?.codes.length, name).toBeGreaterThan(0);
    }
    expect(text).toContain('<CodeType name="mimeType">');
  });

  it("codes the DSP document categories with LOINC in classCode, typeCode and contentTypeCode", () => {
    for (const name of ["classCode", "typeCode", "contentTypeCode"]) {
      const codes = codesOf(name);
      for (const [code, display] of DSP_CATEGORIES) {
        expect(codes.get(code), `${name} ${code}`).toMatchObject({ codingScheme: LOINC, display });
      }
    }
  });

  it("codes medical certificates with OpenDSP local codes under the placeholder arc", () => {
    const certificates = [...codesOf("classCode").values()].filter((c) => c.display?.toLowerCase().includes("certificate"));
    expect(certificates.length).toBeGreaterThanOrEqual(1);
    for (const c of certificates) expect(c.codingScheme).toMatch(/^1\.3\.6\.1\.4\.1\.59999\.1\.\d+$/);
  });

  it("has the HL7 v3 confidentiality codes and the IHE format codes", () => {
    const conf = codesOf("confidentialityCode");
    expect([...conf.keys()].sort()).toEqual(["L", "M", "N", "R", "U", "V"]);
    for (const c of conf.values()) expect(c.codingScheme).toBe("2.16.840.1.113883.5.25");
    const formats = codesOf("formatCode");
    for (const f of [
      "urn:ihe:iti:xds:2017:mimeTypeSufficient",
      "urn:ihe:pcc:xds-ms:2007",
      "urn:ihe:pcc:xphr:2007",
      "urn:ihe:lab:xd-lab:2008",
      "urn:ihe:rad:TEXT",
      "urn:ihe:rad:PDF",
      "urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013",
      "urn:ihe:iti:xds-sd:pdf:2008",
      "urn:ihe:iti:xds-sd:text:2008",
      "urn:ihe:pharm:pre:2010",
      "urn:ihe:pcc:ic:2009",
    ]) {
      expect(formats.get(f)?.codingScheme, f).toBe("1.3.6.1.4.1.19376.1.2.3");
    }
    expect(formats.get("urn:hl7-org:sdwg:ccda-structuredBody:2.1")).toBeDefined();
  });

  it("has facility types and practice settings for the DSP's care settings", () => {
    const facilities = [...codesOf("healthcareFacilityTypeCode").values()].map((c) => c.display);
    for (const d of ["Hospital", "Accident and Emergency department", "Pharmacy", "Nursing home", "Private home-based care", "Primary care clinic", "medical laboratory"]) {
      expect(facilities).toContain(d);
    }
    const settings = [...codesOf("practiceSettingCode").values()].map((c) => c.display);
    for (const d of ["General medicine", "Cardiology", "Radiology", "Emergency medicine", "Pediatric specialty", "Psychiatry", "Dermatology", "Ophthalmology"]) {
      expect(settings).toContain(d);
    }
  });

  it("lists the DSP mime types with their extensions", () => {
    expect(config.mimeTypes.map((m) => m.code)).toEqual([
      "application/pdf",
      "text/xml",
      "application/xml",
      "text/plain",
      "application/hl7-v3+xml",
      "image/jpeg",
      "image/png",
      "application/dicom",
      "application/fhir+json",
      "application/fhir+xml",
    ]);
    expect(config.mimeTypes.every((m) => m.ext !== undefined && !m.deprecated)).toBe(true);
  });

  it("accepts the DSP placeholder authority and the IHE Connectathon (NIST) ones", () => {
    expect(config.assigningAuthorities).toEqual([
      { id: "&1.3.6.1.4.1.59999.2.1&ISO", display: "DSP patient identifier" },
      { id: "&1.3.6.1.4.1.21367.13.20.1000&ISO", display: "IHERED" },
      { id: "&1.3.6.1.4.1.21367.13.20.2000&ISO", display: "IHEGREEN" },
      { id: "&1.3.6.1.4.1.21367.13.20.3000&ISO", display: "IHEBLUE" },
    ]);
    expect(checkPatientAssigningAuthority("IHERED-2654^^^&1.3.6.1.4.1.21367.13.20.1000&ISO", config)).toBe(true);
    expect(checkPatientAssigningAuthority("1234567890123^^^&1.3.6.1.4.1.59999.2.1&ISO", config)).toBe(true);
    expect(checkPatientAssigningAuthority("test1234_1^^^&1.2.3.45.4.3.2.1&ISO", config)).toBe(false);
  });

  it("has no deprecated codes yet and survives export and re-import", () => {
    for (const t of config.codeTypes.values()) expect(t.codes.filter((c) => c.deprecated)).toEqual([]);
    expect(parseCodesXml(serializeCodesXml(config))).toEqual(config);
    expect(config.codeTypes.get("classCode")?.classScheme).toBe(CLASSIFICATION_SCHEME.documentEntryClassCode);
  });
});
