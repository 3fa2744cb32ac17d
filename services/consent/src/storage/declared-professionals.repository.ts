import { sql, type Kysely } from "kysely";
import type { ConsentDatabase } from "./consent-database.js";

/** Professionals patients declared, counted live (migrations/2026-12-06T0400-declared-professional-indexes.ts). */
export interface DeclaredProfessionalCounts {
  /** Distinct professionals in at least one trust circle or declared as a referring doctor. */
  readonly professionalsDeclared: number;
  readonly trustCircleProfessionals: number;
  readonly patientsWithTrustCircle: number;
  /** Distinct professionals declared as a referring doctor. */
  readonly referringDoctors: number;
  readonly patientsWithReferringDoctor: number;
}

/** One statement, so the numbers come from one snapshot. */
export async function countDeclaredProfessionals(db: Kysely<ConsentDatabase>): Promise<DeclaredProfessionalCounts> {
  const result = await sql<{ [K in keyof DeclaredProfessionalCounts]: number }>`
    SELECT
      (SELECT count(*)::integer FROM (
         SELECT professional_id FROM trust_circle_member
         UNION SELECT referring_doctor FROM patient_rules WHERE referring_doctor IS NOT NULL) AS declared) AS "professionalsDeclared",
      (SELECT count(DISTINCT professional_id)::integer FROM trust_circle_member) AS "trustCircleProfessionals",
      (SELECT count(DISTINCT patient_id)::integer FROM trust_circle_member) AS "patientsWithTrustCircle",
      (SELECT count(DISTINCT referring_doctor)::integer FROM patient_rules WHERE referring_doctor IS NOT NULL) AS "referringDoctors",
      (SELECT count(*)::integer FROM patient_rules WHERE referring_doctor IS NOT NULL) AS "patientsWithReferringDoctor"`.execute(db);
  const row = result.rows[0];
  return {
    professionalsDeclared: Number(row?.professionalsDeclared ?? 0),
    trustCircleProfessionals: Number(row?.trustCircleProfessionals ?? 0),
    patientsWithTrustCircle: Number(row?.patientsWithTrustCircle ?? 0),
    referringDoctors: Number(row?.referringDoctors ?? 0),
    patientsWithReferringDoctor: Number(row?.patientsWithReferringDoctor ?? 0),
  };
}
