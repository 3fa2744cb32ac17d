import type { Code } from "@opendsp/ebxml";
import { PRACTICE_SETTING as P } from "../metadata/code-systems.js";
import { categoryByName, type DspCategory } from "../metadata/dsp-categories.js";
import type { AuthorKind } from "./synthetic-people.js";

/**
 * The mix of documents a national shared record receives (laboratory results dominate, then imaging, hospital
 * letters, prescriptions, ...): each category's share of the volume, the format it usually comes in, who writes it,
 * in which practice settings, and typical titles.
 */
export interface SeedCategory {
  readonly category: DspCategory;
  readonly share: number;
  readonly mimeType: "text/xml" | "application/pdf" | "text/plain";
  readonly author: AuthorKind;
  readonly practiceSettings: readonly Code[];
  readonly titles: readonly string[];
  /** Imaging: the modality goes into eventCodeList (codes.xml, DICOM CID 29). */
  readonly imaging?: boolean;
}

const mix = (name: string, rest: Omit<SeedCategory, "category">): SeedCategory => {
  const category = categoryByName(name);
  if (!category) throw new Error(`seed mix names an unknown category ${name}`);
  return { category, ...rest };
};

export const SEED_MIX: readonly SeedCategory[] = [
  mix("lab-result", {
    share: 0.34,
    mimeType: "text/xml",
    author: "biologist",
    practiceSettings: [P.pathology],
    titles: ["Résultats d'analyses — bilan sanguin", "Hémogramme complet", "Bilan lipidique", "Bilan rénal", "HbA1c", "Bilan thyroïdien", "Ionogramme", "Bilan hépatique"],
  }),
  mix("imaging-report", {
    share: 0.14,
    mimeType: "application/pdf",
    author: "radiologist",
    practiceSettings: [P.radiology],
    titles: [],
    imaging: true,
  }),
  mix("discharge-letter", {
    share: 0.08,
    mimeType: "application/pdf",
    author: "hospital-physician",
    practiceSettings: [P.cardiology, P.generalMedicine, P.pulmonology, P.geriatrics, P.oncology, P.nephrology, P.neurology, P.pediatrics],
    titles: ["Lettre de sortie", "Compte rendu d'hospitalisation"],
  }),
  mix("prescription", {
    share: 0.07,
    mimeType: "text/xml",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Ordonnance médicale", "Prescription de médicaments", "Renouvellement d'ordonnance"],
  }),
  mix("emergency-summary", {
    share: 0.06,
    mimeType: "application/pdf",
    author: "emergency-physician",
    practiceSettings: [P.emergency],
    titles: ["Compte rendu de passage aux urgences"],
  }),
  mix("patient-summary", {
    share: 0.05,
    mimeType: "text/xml",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Résumé patient", "Patient summary"],
  }),
  mix("vaccination", {
    share: 0.04,
    mimeType: "text/xml",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice, P.pediatrics],
    titles: ["Carnet de vaccination", "Vaccination — grippe saisonnière", "Vaccination — rappel dTP", "Vaccination — COVID-19"],
  }),
  mix("consult-note", {
    share: 0.04,
    mimeType: "application/pdf",
    author: "specialist",
    practiceSettings: [P.cardiology, P.dermatology, P.neurology, P.ophthalmology, P.otolaryngology, P.obstetrics, P.psychiatry, P.pulmonology],
    titles: ["Compte rendu de consultation"],
  }),
  mix("referral-letter", {
    share: 0.03,
    mimeType: "application/pdf",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Lettre d'adressage", "Demande d'avis spécialisé"],
  }),
  mix("pathology-report", {
    share: 0.02,
    mimeType: "application/pdf",
    author: "pathologist",
    practiceSettings: [P.pathology],
    titles: ["Compte rendu anatomopathologique", "Examen cytologique"],
  }),
  mix("operative-report", {
    share: 0.02,
    mimeType: "application/pdf",
    author: "surgeon",
    practiceSettings: [P.surgery, P.orthopedics],
    titles: ["Compte rendu opératoire"],
  }),
  mix("ecg-report", {
    share: 0.02,
    mimeType: "application/pdf",
    author: "specialist",
    practiceSettings: [P.cardiology],
    titles: ["Électrocardiogramme", "ECG d'effort"],
  }),
  mix("medical-certificate", {
    share: 0.02,
    mimeType: "application/pdf",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Certificat médical", "Certificat d'aptitude au sport"],
  }),
  mix("incapacity-certificate", {
    share: 0.02,
    mimeType: "application/pdf",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Certificat d'incapacité de travail"],
  }),
  mix("patient-note", {
    share: 0.02,
    mimeType: "text/plain",
    author: "patient",
    practiceSettings: [P.generalPractice],
    titles: ["Note personnelle", "Mes allergies", "Mes directives", "Personne de confiance"],
  }),
  mix("allergies", {
    share: 0.01,
    mimeType: "text/xml",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice],
    titles: ["Allergies et intolérances"],
  }),
  mix("medication-summary", {
    share: 0.01,
    mimeType: "text/xml",
    author: "general-practitioner",
    practiceSettings: [P.generalPractice, P.geriatrics],
    titles: ["Plan de médication"],
  }),
  mix("nurse-note", {
    share: 0.01,
    mimeType: "text/plain",
    author: "nurse",
    practiceSettings: [P.generalPractice],
    titles: ["Note de soins infirmiers", "Suivi de plaie"],
  }),
  mix("care-plan", {
    share: 0.005,
    mimeType: "application/pdf",
    author: "hospital-physician",
    practiceSettings: [P.geriatrics, P.rehabilitation],
    titles: ["Plan de soins"],
  }),
  mix("transfer-summary", {
    share: 0.005,
    mimeType: "application/pdf",
    author: "hospital-physician",
    practiceSettings: [P.generalMedicine, P.geriatrics],
    titles: ["Lettre de transfert"],
  }),
];

/** Imaging studies: the modality (eventCodeList, DICOM CID 29, as in codes.xml) and the study's title. */
export const IMAGING_STUDIES: readonly { readonly modality: Code; readonly titles: readonly string[] }[] = [
  { modality: { code: "DX", codingScheme: "1.2.840.10008.2.16.4", displayName: "Digital Radiography" }, titles: ["Radiographie du thorax", "Radiographie du genou", "Radiographie du poignet", "Radiographie du rachis lombaire"] },
  { modality: { code: "CT", codingScheme: "1.2.840.10008.2.16.4", displayName: "Computed Tomography" }, titles: ["Scanner thoracique", "Scanner abdomino-pelvien", "Scanner cérébral"] },
  { modality: { code: "MR", codingScheme: "1.2.840.10008.2.16.4", displayName: "Magnetic Resonance" }, titles: ["IRM du genou", "IRM cérébrale", "IRM du rachis"] },
  { modality: { code: "US", codingScheme: "1.2.840.10008.2.16.4", displayName: "Ultrasound" }, titles: ["Échographie abdominale", "Échographie thyroïdienne", "Échographie obstétricale"] },
  { modality: { code: "MG", codingScheme: "1.2.840.10008.2.16.4", displayName: "Mammography" }, titles: ["Mammographie de dépistage"] },
];
