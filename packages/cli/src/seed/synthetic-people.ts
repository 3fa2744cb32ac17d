import type { Author } from "@opendsp/ebxml";
import { SeededRandom } from "./seeded-random.js";

/*
 * Synthetic people of a Luxembourg-like population: patients with a 13-digit national-number-shaped id (birth date
 * and five digits), professionals with names, roles and institutions. Every identifier lives under the placeholder
 * arc of codes.xml (1.3.6.1.4.1.59999): nothing here names a real person.
 */

/** The DSP patient id authority of the default affinity domain (codes.xml AssigningAuthority, placeholder OID). */
export const DSP_PATIENT_AUTHORITY = "1.3.6.1.4.1.59999.2.1";
const PROFESSIONAL_ID_ARC = "1.3.6.1.4.1.59999.5.1";
const INSTITUTION_ID_ARC = "1.3.6.1.4.1.59999.5.2";

/** With five serial digits per birth date, this many patients get distinct ids. */
export const MAX_SEED_PATIENTS = 100_000;

const FAMILY_NAMES = [
  "Schmit", "Muller", "Weber", "Hoffmann", "Wagner", "Thill", "Schmitz", "Schroeder", "Reuter", "Klein", "Becker", "Kieffer",
  "Kremer", "Faber", "Meyer", "Hansen", "Weis", "Schiltz", "Welter", "Majerus", "Goergen", "Wirtz", "Simon", "Jacoby",
  "Steffen", "Frisch", "Ries", "Fischer", "Wagener", "Theis", "Zeimet", "Scholtes", "Da Silva", "Pereira", "Dos Santos",
  "Ferreira", "Rodrigues", "Martins", "Gonçalves", "Fernandes", "Lopes", "Costa", "Dupont", "Lambert", "Martin", "Bernard",
  "Rossi", "Ricci", "Marx", "Koch",
];
const FEMALE_NAMES = [
  "Marie", "Anne", "Sophie", "Laura", "Julie", "Sarah", "Léa", "Emma", "Mia", "Chloé", "Ana", "Maria", "Sandra", "Nathalie",
  "Claudine", "Monique", "Carole", "Martine", "Nicole", "Lisa", "Inês", "Beatriz", "Giulia", "Charlotte", "Elena",
];
const MALE_NAMES = [
  "Jean", "Marc", "Paul", "Luc", "Pierre", "Michel", "Tom", "Max", "Ben", "Noah", "Luca", "Léo", "Gilles", "Patrick", "Claude",
  "Georges", "Romain", "João", "Tiago", "Miguel", "Carlos", "Marco", "Lucas", "Mathis", "David",
];
const TOWNS = [
  "Luxembourg", "Esch-sur-Alzette", "Differdange", "Dudelange", "Ettelbruck", "Diekirch", "Wiltz", "Mersch", "Grevenmacher",
  "Remich", "Echternach", "Clervaux", "Mamer", "Strassen", "Bettembourg",
];

export interface SyntheticPatient {
  /** CX, id^^^&OID&ISO. */
  readonly patientId: string;
  readonly family: string;
  readonly given: string;
  /** YYYYMMDD. */
  readonly birthDate: string;
  readonly sex: "F" | "M";
}

/** Patient `index` (0-based) of the population of `seed`; ids are distinct for index < MAX_SEED_PATIENTS. */
export function syntheticPatient(seed: number, index: number, until: Date): SyntheticPatient {
  const rng = new SeededRandom(seed, "patient", index);
  const sex = rng.chance(0.51) ? "F" : "M";
  // Ages spread from newborns to the very old, denser in the middle of life.
  const age = Math.min(99, Math.floor((rng.next() + rng.next() + rng.next()) * 33));
  const birth = new Date(Date.UTC(until.getUTCFullYear() - age - 1, 0, 1) + rng.int(0, 364) * 86_400_000);
  const birthDate = birth.toISOString().slice(0, 10).replace(/-/g, "");
  // 7919 is prime to 100000: the serial differs for every index below it, whatever the seed.
  const serial = (((new SeededRandom(seed, "serial").nextUint32() % MAX_SEED_PATIENTS) + index * 7919) % MAX_SEED_PATIENTS).toString().padStart(5, "0");
  return {
    patientId: `${birthDate}${serial}^^^&${DSP_PATIENT_AUTHORITY}&ISO`,
    family: rng.pick(FAMILY_NAMES),
    given: rng.pick(sex === "F" ? FEMALE_NAMES : MALE_NAMES),
    birthDate,
    sex,
  };
}

/** sourcePatientInfo of a synthetic patient (ITI TF-3 4.2.3.2.23). */
export function patientInfoLines(p: SyntheticPatient): string[] {
  return [`PID-3|${p.patientId}`, `PID-5|${p.family}^${p.given}^^^`, `PID-7|${p.birthDate}`, `PID-8|${p.sex}`];
}

/** Who writes documents of a kind, and where. */
export type AuthorKind =
  | "hospital-physician"
  | "emergency-physician"
  | "surgeon"
  | "radiologist"
  | "biologist"
  | "pathologist"
  | "general-practitioner"
  | "specialist"
  | "nurse"
  | "patient";

const HOSPITALS = ["Centre Hospitalier de Luxembourg", "Hôpitaux Robert Schuman", "Centre Hospitalier Emile Mayrisch", "Centre Hospitalier du Nord"];
const LABORATORIES = ["Laboratoires Réunis", "Ketterthill", "BioneXt Lab"];
const PATHOLOGY = ["Laboratoire National de Santé — Anatomie pathologique"];
const HOME_CARE = ["Hëllef Doheem", "Help — Réseau d'aides et de soins"];

const KIND_PROFILE: Readonly<Record<Exclude<AuthorKind, "patient">, { role: string; prefix: string; institutions: () => readonly string[] }>> = {
  "hospital-physician": { role: "Médecin spécialiste", prefix: "Dr", institutions: () => HOSPITALS },
  "emergency-physician": { role: "Médecin urgentiste", prefix: "Dr", institutions: () => HOSPITALS.map((h) => `${h} — Service des urgences`) },
  surgeon: { role: "Chirurgien", prefix: "Dr", institutions: () => HOSPITALS.map((h) => `${h} — Bloc opératoire`) },
  radiologist: { role: "Radiologue", prefix: "Dr", institutions: () => HOSPITALS.map((h) => `${h} — Imagerie médicale`) },
  biologist: { role: "Biologiste", prefix: "Dr", institutions: () => LABORATORIES },
  pathologist: { role: "Pathologiste", prefix: "Dr", institutions: () => PATHOLOGY },
  "general-practitioner": { role: "Médecin généraliste", prefix: "Dr", institutions: () => TOWNS.map((t) => `Cabinet médical ${t}`) },
  specialist: { role: "Médecin spécialiste", prefix: "Dr", institutions: () => TOWNS.map((t) => `Centre médical ${t}`) },
  nurse: { role: "Infirmier", prefix: "", institutions: () => HOME_CARE },
};

/** Professionals per kind: documents of a kind come from a stable group of people, as in real life. */
const PROFESSIONALS_PER_KIND = 12;

/**
 * An author of a document of `kind` (ITI TF-3 4.2.3.1.4): one of a few professionals of that kind, with name (XCN
 * under a placeholder identifier arc), role, specialty and institution (XON); the patient themself for "patient".
 */
export function syntheticAuthor(seed: number, kind: AuthorKind, rng: SeededRandom, patient: SyntheticPatient, specialty?: string): Author {
  if (kind === "patient") {
    const id = patient.patientId.split("^")[0] ?? "";
    return {
      person: `${id}^${patient.family}^${patient.given}^^^^^^&${DSP_PATIENT_AUTHORITY}&ISO`,
      institutions: [],
      roles: ["Patient"],
      specialties: [],
      telecommunications: [],
    };
  }
  const profile = KIND_PROFILE[kind];
  const n = rng.int(0, PROFESSIONALS_PER_KIND - 1);
  const person = new SeededRandom(seed, "professional", kind, n);
  const female = person.chance(0.55);
  const given = person.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const family = person.pick(FAMILY_NAMES);
  const institutions = profile.institutions();
  const institutionIndex = person.int(0, institutions.length - 1);
  const institution = institutions[institutionIndex] ?? "";
  const professionalId = String(100000 + ((person.nextUint32() % 800000) >>> 0));
  const email = `${ascii(given)}.${ascii(family)}@${ascii(institution.split(" — ")[0] ?? "").slice(0, 24) || "sante"}.lu`;
  return {
    person: `${professionalId}^${family}^${given}^^^${profile.prefix}^^^&${PROFESSIONAL_ID_ARC}&ISO`,
    institutions: [`${institution}^^^^^&${INSTITUTION_ID_ARC}&ISO^^^^${kindIndex(kind)}.${institutionIndex + 1}`],
    roles: [profile.role],
    specialties: specialty ? [specialty] : [],
    telecommunications: [`^^Internet^${email}`],
  };
}

function kindIndex(kind: AuthorKind): number {
  return Object.keys(KIND_PROFILE).indexOf(kind) + 1;
}

function ascii(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
