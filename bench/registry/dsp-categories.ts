/**
 * The document categories of the DSP with a realistic share of the volume (laboratory results dominate a
 * national record), coded as the shipped affinity-domain codes.xml codes them.
 */
export interface Category {
  readonly share: number;
  readonly classCode: string;
  readonly display: string;
  readonly mimeType: string;
  readonly practiceSetting: string;
}

export const LOINC = "2.16.840.1.113883.6.1";
export const SNOMED = "2.16.840.1.113883.6.96";

export const DSP_CATEGORIES: readonly Category[] = [
  { share: 0.38, classCode: "11502-2", display: "Laboratory report", mimeType: "text/xml", practiceSetting: "394595002" },
  { share: 0.16, classCode: "18748-4", display: "Diagnostic imaging study", mimeType: "application/pdf", practiceSetting: "394914008" },
  { share: 0.1, classCode: "18842-5", display: "Discharge summary", mimeType: "application/pdf", practiceSetting: "394579002" },
  { share: 0.06, classCode: "59258-4", display: "Emergency department Discharge summary", mimeType: "application/pdf", practiceSetting: "773568002" },
  { share: 0.08, classCode: "57833-6", display: "Prescription for medication", mimeType: "text/xml", practiceSetting: "394814009" },
  { share: 0.05, classCode: "60591-5", display: "Patient summary Document", mimeType: "text/xml", practiceSetting: "394814009" },
  { share: 0.05, classCode: "11369-6", display: "History of Immunization Narrative", mimeType: "text/xml", practiceSetting: "394814009" },
  { share: 0.04, classCode: "57133-1", display: "Referral note", mimeType: "application/pdf", practiceSetting: "394814009" },
  { share: 0.04, classCode: "11488-4", display: "Consult note", mimeType: "application/pdf", practiceSetting: "394579002" },
  { share: 0.02, classCode: "51855-5", display: "Patient Note", mimeType: "text/plain", practiceSetting: "394814009" },
  { share: 0.02, classCode: "11526-1", display: "Pathology study", mimeType: "application/pdf", practiceSetting: "394595002" },
];

/** A category drawn with the shares above, from a number in [0, 1). */
export function categoryAt(x: number): Category {
  let acc = 0;
  for (const c of DSP_CATEGORIES) {
    acc += c.share;
    if (x < acc) return c;
  }
  return DSP_CATEGORIES[DSP_CATEGORIES.length - 1] as Category;
}
