import type { Code } from "@opendsp/ebxml";

/**
 * The coding schemes and codes of the default affinity domain (services/registry/config/codes.xml) that the command
 * uses to build metadata. The registry checks every code against that file, keyed by (attribute, code,
 * codingScheme); codes-config.test.ts holds these tables against it.
 */
export const CODING_SCHEME = {
  loinc: "2.16.840.1.113883.6.1",
  snomed: "2.16.840.1.113883.6.96",
  hl7RoleCode: "2.16.840.1.113883.5.111",
  confidentiality: "2.16.840.1.113883.5.25",
  iheFormatCode: "1.3.6.1.4.1.19376.1.2.3",
  /** OpenDSP local document codes (placeholder arc, see codes.xml). */
  dspDocument: "1.3.6.1.4.1.59999.1.1",
} as const;

const snomed = (code: string, displayName: string): Code => ({ code, codingScheme: CODING_SCHEME.snomed, displayName });
const roleCode = (code: string, displayName: string): Code => ({ code, codingScheme: CODING_SCHEME.hl7RoleCode, displayName });

/** healthcareFacilityTypeCode values (ITI TF-3 4.2.3.2.11). */
export const FACILITY_TYPE = {
  hospital: snomed("22232009", "Hospital"),
  emergency: snomed("225728007", "Accident and Emergency department"),
  ambulatory: snomed("35971002", "Ambulatory care site"),
  pharmacy: snomed("264372000", "Pharmacy"),
  nursingHome: snomed("42665001", "Nursing home"),
  homeCare: snomed("66280005", "Private home-based care"),
  rehabilitation: snomed("44860005", "Free-standing rehabilitation clinic"),
  primaryCare: roleCode("PC", "Primary care clinic"),
  laboratory: roleCode("MBL", "medical laboratory"),
  radiology: roleCode("RADDX", "Radiology diagnostics or therapeutics unit"),
} as const satisfies Record<string, Code>;

/** practiceSettingCode values (ITI TF-3 4.2.3.2.17). */
export const PRACTICE_SETTING = {
  generalPractice: snomed("394814009", "General practice"),
  generalMedicine: snomed("394802001", "General medicine"),
  cardiology: snomed("394579002", "Cardiology"),
  radiology: snomed("394914008", "Radiology"),
  pathology: snomed("394915009", "General pathology"),
  emergency: snomed("773568002", "Emergency medicine"),
  pediatrics: snomed("394537008", "Pediatric specialty"),
  surgery: snomed("394609007", "Surgery-general"),
  orthopedics: snomed("394801008", "Surgery-Trauma and orthopedics"),
  obstetrics: snomed("394585009", "Obstetrics and gynecology"),
  psychiatry: snomed("394587001", "Psychiatry"),
  oncology: snomed("394593009", "Medical oncology"),
  dermatology: snomed("394582007", "Dermatology"),
  ophthalmology: snomed("394594003", "Ophthalmology"),
  otolaryngology: snomed("418960008", "Otolaryngology"),
  neurology: snomed("394591006", "Neurology"),
  nephrology: snomed("394589003", "Nephrology"),
  pulmonology: snomed("418112009", "Pulmonary medicine"),
  geriatrics: snomed("394811001", "Geriatric medicine"),
  rehabilitation: snomed("394602003", "Rehabilitation"),
} as const satisfies Record<string, Code>;

/** confidentialityCode values (HL7 v3 Confidentiality, ITI TF-3 4.2.3.2.5), by code and by name. */
export const CONFIDENTIALITY: readonly (Code & { readonly names: readonly string[] })[] = [
  { code: "N", codingScheme: CODING_SCHEME.confidentiality, displayName: "normal", names: ["normal"] },
  { code: "R", codingScheme: CODING_SCHEME.confidentiality, displayName: "restricted", names: ["restricted"] },
  { code: "V", codingScheme: CODING_SCHEME.confidentiality, displayName: "very restricted", names: ["very-restricted"] },
  { code: "L", codingScheme: CODING_SCHEME.confidentiality, displayName: "low", names: ["low"] },
  { code: "M", codingScheme: CODING_SCHEME.confidentiality, displayName: "moderate", names: ["moderate"] },
  { code: "U", codingScheme: CODING_SCHEME.confidentiality, displayName: "unrestricted", names: ["unrestricted"] },
];

/** formatCode for a document whose MIME type says all a reader needs (ITI TF-3 4.2.3.2.9, IHE format codes). */
export const FORMAT_MIME_TYPE_SUFFICIENT: Code = {
  code: "urn:ihe:iti:xds:2017:mimeTypeSufficient",
  codingScheme: CODING_SCHEME.iheFormatCode,
  displayName: "mimeType Sufficient",
};

/** Resolves --confidentiality: a code (N, R, V, ...) or its name (normal, restricted, ...). */
export function confidentialityOf(input: string): Code | undefined {
  const wanted = input.trim();
  const found = CONFIDENTIALITY.find((c) => c.code === wanted.toUpperCase() || c.names.includes(wanted.toLowerCase()));
  if (!found) return undefined;
  return { code: found.code, codingScheme: found.codingScheme, ...(found.displayName === undefined ? {} : { displayName: found.displayName }) };
}
