import type { Code } from "@opendsp/ebxml";
import { CODING_SCHEME, FACILITY_TYPE, PRACTICE_SETTING } from "./code-systems.js";

/**
 * A document category of the DSP: the LOINC document code (or OpenDSP local code) the default affinity domain
 * lists under classCode, typeCode and contentTypeCode alike, with the facility type and practice setting a
 * document of that category usually comes from (both are required metadata, ITI TF-3 Table 4.3.1-3).
 */
export interface DspCategory {
  /** The short name users type: `--class lab-result`. */
  readonly name: string;
  readonly code: Code & { readonly displayName: string };
  readonly facilityType: Code;
  readonly practiceSetting: Code;
}

const loinc = (code: string, displayName: string) => ({ code, codingScheme: CODING_SCHEME.loinc, displayName });
const local = (code: string, displayName: string) => ({ code, codingScheme: CODING_SCHEME.dspDocument, displayName });
const F = FACILITY_TYPE;
const P = PRACTICE_SETTING;

export const DSP_CATEGORIES: readonly DspCategory[] = [
  { name: "lab-result", code: loinc("11502-2", "Laboratory report"), facilityType: F.laboratory, practiceSetting: P.pathology },
  { name: "pathology-report", code: loinc("11526-1", "Pathology study"), facilityType: F.laboratory, practiceSetting: P.pathology },
  { name: "imaging-report", code: loinc("18748-4", "Diagnostic imaging study"), facilityType: F.radiology, practiceSetting: P.radiology },
  { name: "ecg-report", code: loinc("11524-6", "EKG study"), facilityType: F.ambulatory, practiceSetting: P.cardiology },
  { name: "discharge-letter", code: loinc("18842-5", "Discharge summary"), facilityType: F.hospital, practiceSetting: P.generalMedicine },
  { name: "physician-discharge-summary", code: loinc("11490-0", "Physician Discharge summary"), facilityType: F.hospital, practiceSetting: P.generalMedicine },
  { name: "hospital-discharge-summary", code: loinc("34105-7", "Hospital Discharge summary"), facilityType: F.hospital, practiceSetting: P.generalMedicine },
  { name: "emergency-summary", code: loinc("59258-4", "Emergency department Discharge summary"), facilityType: F.emergency, practiceSetting: P.emergency },
  { name: "transfer-summary", code: loinc("18761-7", "Transfer summary note"), facilityType: F.hospital, practiceSetting: P.generalMedicine },
  { name: "patient-summary", code: loinc("60591-5", "Patient summary Document"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "medication-summary", code: loinc("56445-0", "Medication summary Document"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "allergies", code: loinc("48765-2", "Allergies and adverse reactions Document"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "consult-note", code: loinc("11488-4", "Consult note"), facilityType: F.ambulatory, practiceSetting: P.generalMedicine },
  { name: "referral-letter", code: loinc("57133-1", "Referral note"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "operative-report", code: loinc("11504-8", "Surgical operation note"), facilityType: F.hospital, practiceSetting: P.surgery },
  { name: "progress-note", code: loinc("11506-3", "Progress note"), facilityType: F.hospital, practiceSetting: P.generalMedicine },
  { name: "nurse-note", code: loinc("34746-8", "Nurse Note"), facilityType: F.homeCare, practiceSetting: P.generalPractice },
  { name: "care-plan", code: loinc("18776-5", "Plan of care note"), facilityType: F.nursingHome, practiceSetting: P.geriatrics },
  { name: "advance-directive", code: loinc("42348-3", "Advance healthcare directives"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "vaccination", code: loinc("11369-6", "History of Immunization Narrative"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "vaccination-note", code: loinc("87273-9", "Immunization note"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "prescription", code: loinc("57833-6", "Prescription for medication"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "patient-note", code: loinc("51855-5", "Patient Note"), facilityType: F.homeCare, practiceSetting: P.generalPractice },
  { name: "medical-certificate", code: local("DSP-CERT-MED", "Medical certificate"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
  { name: "incapacity-certificate", code: local("DSP-CERT-INCAP", "Certificate of incapacity for work"), facilityType: F.primaryCare, practiceSetting: P.generalPractice },
];

export const DEFAULT_CATEGORY = "discharge-letter";

const BY_NAME = new Map(DSP_CATEGORIES.map((c) => [c.name, c]));

export function categoryByName(name: string): DspCategory | undefined {
  return BY_NAME.get(name);
}

/** The category a class or type code belongs to, when it is one of the DSP's. */
export function categoryOfCode(code: Code): DspCategory | undefined {
  return DSP_CATEGORIES.find((c) => c.code.code === code.code && c.code.codingScheme === code.codingScheme);
}

export type CodeInputResult = { readonly ok: true; readonly code: Code; readonly category?: DspCategory } | { readonly ok: false; readonly reason: string };

/**
 * Reads a --class / --type value: a category name (discharge-letter), a code of the DSP list (18842-5), or any
 * code with its coding scheme as ITI-18 writes codes (code^^codingScheme), which the registry then checks.
 */
export function parseCodeInput(input: string): CodeInputResult {
  const text = input.trim();
  const byName = categoryByName(text.toLowerCase());
  if (byName) return { ok: true, code: byName.code, category: byName };
  const parts = text.split("^^");
  if (parts.length === 2 && parts[0] && parts[1]) {
    const code = { code: parts[0], codingScheme: parts[1] };
    const category = categoryOfCode(code);
    return category ? { ok: true, code: category.code, category } : { ok: true, code };
  }
  const byCode = DSP_CATEGORIES.filter((c) => c.code.code === text);
  const only = byCode[0];
  if (only && byCode.length === 1) return { ok: true, code: only.code, category: only };
  return {
    ok: false,
    reason: `unknown document category or code ${JSON.stringify(text)}: use a category name (${DSP_CATEGORIES.map((c) => c.name).join(", ")}), a code of that list, or code^^codingScheme`,
  };
}
