/**
 * The document categories of the statistics the DSP publishes. Each classCode of the shipped affinity-domain codes
 * (config/codes.xml, grouped there by the same categories) belongs to one; clinical notes and letters, and any code
 * not listed (another affinity domain's), count as "other".
 */
export const DSP_CATEGORIES = [
  "lab-results",
  "imaging-reports",
  "discharge-letters",
  "emergency-summaries",
  "patient-summaries",
  "certificates",
  "vaccination",
  "prescriptions",
  "patient-expression",
  "other",
] as const;
export type DspCategory = (typeof DSP_CATEGORIES)[number];

const LOINC = "2.16.840.1.113883.6.1";
const DSP_LOCAL = "1.3.6.1.4.1.59999.1.1";

/** (codingScheme, code) of the categorised classCodes of config/codes.xml. */
const CATEGORY_OF_CODE: ReadonlyMap<string, DspCategory> = new Map(
  (
    [
      [LOINC, "11502-2", "lab-results"],
      [LOINC, "11526-1", "lab-results"],
      [LOINC, "18748-4", "imaging-reports"],
      [LOINC, "11524-6", "imaging-reports"],
      [LOINC, "18842-5", "discharge-letters"],
      [LOINC, "11490-0", "discharge-letters"],
      [LOINC, "34105-7", "discharge-letters"],
      [LOINC, "18761-7", "discharge-letters"],
      [LOINC, "59258-4", "emergency-summaries"],
      [LOINC, "60591-5", "patient-summaries"],
      [LOINC, "56445-0", "patient-summaries"],
      [LOINC, "48765-2", "patient-summaries"],
      [LOINC, "11369-6", "vaccination"],
      [LOINC, "87273-9", "vaccination"],
      [LOINC, "57833-6", "prescriptions"],
      [LOINC, "51855-5", "patient-expression"],
      [DSP_LOCAL, "DSP-CERT-MED", "certificates"],
      [DSP_LOCAL, "DSP-CERT-INCAP", "certificates"],
    ] as const
  ).map(([scheme, code, category]) => [`${scheme}|${code}`, category]),
);

/** The codes this mapping knows, for the test that holds it against config/codes.xml. */
export const CATEGORISED_CODES: readonly string[] = [...CATEGORY_OF_CODE.keys()];

/**
 * The category of a document: by its classCode (ITI TF-3 4.2.3.2.3, the high-level kind), else by its typeCode
 * (4.2.3.2.25, which the DSP codes with the same LOINC codes), else "other".
 */
export function categoryOf(classCode: { code: string; scheme: string }, typeCode: { code: string; scheme: string }): DspCategory {
  return CATEGORY_OF_CODE.get(`${classCode.scheme}|${classCode.code}`) ?? CATEGORY_OF_CODE.get(`${typeCode.scheme}|${typeCode.code}`) ?? "other";
}
