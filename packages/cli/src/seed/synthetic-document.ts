import { NS, element, writeXml, type Author, type Code, type XmlElement } from "@opendsp/ebxml";
import { CONFIDENTIALITY, FACILITY_TYPE, FORMAT_MIME_TYPE_SUFFICIENT } from "../metadata/code-systems.js";
import type { DocumentSubmissionInput, SubmissionIds } from "../metadata/document-submission.builder.js";
import { dtmOf } from "../metadata/hl7-dtm.js";
import { CLI_SOURCE_ID, newEntryUuid, uuidOid } from "../metadata/unique-ids.js";
import { minimalPdf } from "./minimal-pdf.js";
import { IMAGING_STUDIES, SEED_MIX, type SeedCategory } from "./seed-mix.js";
import { SeededRandom } from "./seeded-random.js";
import { patientInfoLines, syntheticAuthor, syntheticPatient, type SyntheticPatient } from "./synthetic-people.js";

/** Documents are dated over this many years before the end date (but never before the patient's birth). */
export const SEED_YEARS = 10;
const DAY_MS = 86_400_000;

export interface SyntheticDocument {
  readonly patient: SyntheticPatient;
  readonly mix: SeedCategory;
  /** Metadata for buildDocumentSubmission, without the MTOM Content-ID. */
  readonly metadata: Omit<DocumentSubmissionInput, "contentId">;
  readonly content: Buffer;
}

/**
 * Document `index` of the data set of `seed`: its patient (skewed, so that some patients have many documents), its
 * category (the SEED_MIX shares), author, dates, codes, uniqueIds and a small content in the category's format.
 * Everything but the entryUUIDs comes from the seed and the index, never from the clock or the order of generation.
 */
export function syntheticDocument(seed: number, index: number, patients: number, until: Date): SyntheticDocument {
  const rng = new SeededRandom(seed, "document", index);
  const patient = syntheticPatient(seed, Math.min(patients - 1, Math.floor(patients * rng.next() ** 1.6)), until);
  const mix = rng.weighted(SEED_MIX, (m) => m.share);
  const practiceSetting = rng.pick(mix.practiceSettings);
  const author = syntheticAuthor(seed, mix.author, rng, patient, practiceSetting.displayName);

  // Denser towards the end date: the record fills up over time.
  const birth = Date.UTC(Number(patient.birthDate.slice(0, 4)), Number(patient.birthDate.slice(4, 6)) - 1, Number(patient.birthDate.slice(6, 8)));
  const end = until.getTime();
  const start = Math.max(birth, end - SEED_YEARS * 365 * DAY_MS);
  const day = Math.floor((start + (end - start) * Math.sqrt(rng.next())) / DAY_MS) * DAY_MS;
  const created = new Date(Math.min(end, day + rng.int(7 * 60, 19 * 60) * 60_000 + rng.int(0, 59) * 1000));

  const study = mix.imaging ? rng.pick(IMAGING_STUDIES) : undefined;
  const title = study ? rng.pick(study.titles) : rng.pick(mix.titles);
  const restricted = practiceSetting.code === "394587001" || (mix.category.name !== "lab-result" && rng.chance(0.03));
  const confidentiality = CONFIDENTIALITY[restricted ? 1 : 0] as Code;
  const facilityType = mix.category.name === "discharge-letter" && rng.chance(0.1) ? FACILITY_TYPE.rehabilitation : mix.category.facilityType;
  const stay = mix.category.name === "discharge-letter" ? rng.int(1, 14) : 0;

  // The uniqueIds are the data set's (the same seed gives the same documents, which the registry then recognizes);
  // the entryUUIDs name one registration and are fresh on each send (ITI TF-3 4.2.3.2.8).
  const ids: SubmissionIds = {
    documentUniqueId: uuidOid(rng.uuid()),
    submissionSetUniqueId: uuidOid(rng.uuid()),
    entryUuid: newEntryUuid(),
    submissionSetUuid: newEntryUuid(),
    associationUuid: newEntryUuid(),
  };
  const creationTime = dtmOf(created);
  const metadata: Omit<DocumentSubmissionInput, "contentId"> = {
    patientId: patient.patientId,
    sourcePatientInfo: patientInfoLines(patient),
    classCode: mix.category.code,
    typeCode: mix.category.code,
    formatCode: FORMAT_MIME_TYPE_SUFFICIENT,
    facilityType,
    practiceSetting,
    confidentiality: [confidentiality],
    ...(study ? { eventCodes: [study.modality] } : {}),
    mimeType: mix.mimeType,
    title,
    languageCode: "fr-LU",
    creationTime,
    ...(stay > 0 ? { serviceStartTime: dtmOf(new Date(created.getTime() - stay * DAY_MS)).slice(0, 8), serviceStopTime: creationTime.slice(0, 8) } : {}),
    authors: [author],
    ids,
    submissionTime: creationTime,
    sourceId: CLI_SOURCE_ID,
  };
  const lines = bodyLines(mix, rng, title);
  const content = contentOf(mix, { title, lines, created, patient, author, code: mix.category.code, documentUniqueId: ids.documentUniqueId, confidentiality, rng });
  return { patient, mix, metadata, content };
}

interface ContentParts {
  readonly title: string;
  readonly lines: readonly string[];
  readonly created: Date;
  readonly patient: SyntheticPatient;
  readonly author: Author;
  readonly code: Code;
  readonly documentUniqueId: string;
  readonly confidentiality: Code;
  readonly rng: SeededRandom;
}

function contentOf(mix: SeedCategory, parts: ContentParts): Buffer {
  const patientLine = `Patient : ${parts.patient.given} ${parts.patient.family}, né(e) le ${dayText(parts.patient.birthDate)}`;
  const authorLine = `Auteur : ${authorText(parts.author)}`;
  switch (mix.mimeType) {
    case "application/pdf":
      return minimalPdf({ title: parts.title, lines: [patientLine, authorLine, `Date : ${parts.created.toISOString().slice(0, 10)}`, "", ...parts.lines], creationDate: parts.created });
    case "text/plain":
      return Buffer.from([parts.title, "", patientLine, authorLine, "", ...parts.lines, ""].join("\n"), "utf8");
    case "text/xml":
      return Buffer.from(writeXml(clinicalDocument(parts), { prefixes: { [NS.hl7v3]: "hl7" }, declaration: true }), "utf8");
  }
}

/** A CDA-shaped document (HL7 CDA R2 header, one narrative section): enough for a viewer to show it. */
function clinicalDocument(p: ContentParts): XmlElement {
  const v3 = (local: string, attrs: Record<string, string | undefined> = {}, children: (XmlElement | string)[] = []) => element(NS.hl7v3, local, attrs, children);
  const [authorId, family = "", given = "", , , prefix = ""] = (p.author.person ?? "").split("^");
  const [patientNumber] = p.patient.patientId.split("^");
  return v3("ClinicalDocument", {}, [
    v3("typeId", { root: "2.16.840.1.113883.1.3", extension: "POCD_HD000040" }),
    v3("id", { root: p.documentUniqueId }),
    v3("code", { code: p.code.code, codeSystem: p.code.codingScheme, displayName: p.code.displayName }),
    v3("title", {}, [p.title]),
    v3("effectiveTime", { value: dtmOf(p.created) }),
    v3("confidentialityCode", { code: p.confidentiality.code, codeSystem: p.confidentiality.codingScheme }),
    v3("languageCode", { code: "fr-LU" }),
    v3("recordTarget", {}, [
      v3("patientRole", {}, [
        v3("id", { root: "1.3.6.1.4.1.59999.2.1", extension: patientNumber }),
        v3("patient", {}, [
          v3("name", {}, [v3("given", {}, [p.patient.given]), v3("family", {}, [p.patient.family])]),
          v3("administrativeGenderCode", { code: p.patient.sex, codeSystem: "2.16.840.1.113883.5.1" }),
          v3("birthTime", { value: p.patient.birthDate }),
        ]),
      ]),
    ]),
    v3("author", {}, [
      v3("time", { value: dtmOf(p.created) }),
      v3("assignedAuthor", {}, [
        v3("id", { root: "1.3.6.1.4.1.59999.5.1", extension: authorId }),
        v3("assignedPerson", {}, [v3("name", {}, [...(prefix ? [v3("prefix", {}, [prefix])] : []), v3("given", {}, [given]), v3("family", {}, [family])])]),
      ]),
    ]),
    v3("component", {}, [
      v3("structuredBody", {}, [
        v3("component", {}, [v3("section", {}, [v3("title", {}, [p.title]), v3("text", {}, p.lines.filter((l) => l !== "").map((l) => v3("paragraph", {}, [l])))])]),
      ]),
    ]),
  ]);
}

const LAB_TESTS: readonly [string, number, number, string][] = [
  ["Hémoglobine", 11.5, 17.5, "g/dL"],
  ["Leucocytes", 3.5, 11, "G/L"],
  ["Plaquettes", 140, 420, "G/L"],
  ["Glycémie à jeun", 0.7, 1.3, "g/L"],
  ["Créatinine", 0.5, 1.4, "mg/dL"],
  ["Cholestérol total", 1.4, 2.8, "g/L"],
  ["TSH", 0.3, 5, "mUI/L"],
  ["CRP", 0, 25, "mg/L"],
  ["HbA1c", 4.8, 8.5, "%"],
  ["Potassium", 3.3, 5.3, "mmol/L"],
];

const DIAGNOSES = [
  "Insuffisance cardiaque décompensée",
  "Pneumopathie communautaire",
  "Fibrillation atriale",
  "Exacerbation de BPCO",
  "Diabète de type 2 déséquilibré",
  "Fracture du col du fémur",
  "Pyélonéphrite aiguë",
  "Accident ischémique transitoire",
];

/** A few lines of plausible narrative for the category; no real patient data, no free text from anywhere. */
function bodyLines(mix: SeedCategory, rng: SeededRandom, title: string): string[] {
  switch (mix.category.name) {
    case "lab-result": {
      const tests = rng.shuffled(LAB_TESTS).slice(0, rng.int(3, 7));
      return tests.map(([name, low, high, unit]) => {
        const value = low + (high - low) * (rng.next() * 1.3 - 0.15);
        const flag = value < low ? " (bas)" : value > high ? " (élevé)" : "";
        return `${name} : ${value.toFixed(unit === "G/L" && high > 100 ? 0 : 2)} ${unit} [${low}-${high}]${flag}`;
      });
    }
    case "imaging-report":
      return [`Indication : ${rng.pick(["douleur", "bilan d'extension", "contrôle", "traumatisme", "dépistage"])}.`, `Technique : ${title}.`, "Résultats : examen réalisé dans de bonnes conditions.", `Conclusion : ${rng.pick(["pas d'anomalie significative", "aspect stable par rapport à l'examen antérieur", "lésion à contrôler dans six mois"])}.`];
    case "discharge-letter":
    case "transfer-summary":
    case "emergency-summary":
      return [`Motif : ${rng.pick(DIAGNOSES)}.`, "Évolution favorable sous traitement.", `Traitement de sortie : ${rng.pick(["inchangé", "adapté, voir ordonnance", "arrêt de l'anticoagulant"])}.`, "Suivi par le médecin traitant."];
    case "prescription":
    case "medication-summary":
      return [rng.pick(["Paracétamol 1 g, 3 fois par jour, 5 jours", "Amoxicilline 1 g, 2 fois par jour, 7 jours", "Metformine 850 mg, 2 fois par jour", "Ramipril 5 mg, 1 fois par jour", "Atorvastatine 20 mg, le soir"]), "Renouvelable : non"];
    case "vaccination":
    case "vaccination-note":
      return [`Vaccin : ${rng.pick(["Grippe saisonnière", "dTP", "ROR", "Hépatite B", "COVID-19"])}`, `Lot : ${rng.int(100000, 999999)}`, "Voie : intramusculaire"];
    case "patient-note":
      return [rng.pick(["Allergie à la pénicilline signalée par moi-même.", "Personne de confiance : ma fille.", "Je souhaite être informé(e) de tout résultat."])];
    default:
      return [`${rng.pick(["Examen clinique sans particularité.", "Patient(e) vu(e) en consultation.", "Suivi régulier."])}`, `Conclusion : ${rng.pick(["à revoir dans trois mois", "pas de contre-indication", "poursuite du traitement"])}.`];
  }
}

function authorText(author: Author): string {
  const [, family = "", given = "", , , prefix = ""] = (author.person ?? "").split("^");
  const institution = (author.institutions[0] ?? "").split("^")[0];
  return [prefix, given, family].filter((x) => x !== "").join(" ") + (institution ? `, ${institution}` : "");
}

function dayText(yyyymmdd: string): string {
  return `${yyyymmdd.slice(6, 8)}/${yyyymmdd.slice(4, 6)}/${yyyymmdd.slice(0, 4)}`;
}
