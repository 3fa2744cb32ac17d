import { csvTable, type CsvValue } from "@opendsp/platform";
import type { ConsentStatistics, RegistryStatistics } from "./statistics-answers.js";

/** The public statistics: aggregates of the registry and the consent service, no patient data. */
export interface PublicStatistics {
  readonly generatedAt: string;
  readonly documents: Omit<RegistryStatistics, "generatedAt">;
  readonly professionals: Omit<ConsentStatistics, "generatedAt">;
}

export function combineStatistics(registry: RegistryStatistics, consent: ConsentStatistics, now: Date): PublicStatistics {
  const { generatedAt: _registryAt, ...documents } = registry;
  const { generatedAt: _consentAt, ...professionals } = consent;
  return { generatedAt: now.toISOString(), documents, professionals };
}

/**
 * The statistics as one long table: `period,indicator,value`. Monthly rows carry the month (documents per category,
 * total, new records, records with documents at the month's end); the professionals' counts are live, their period
 * is "current".
 */
export function publicStatisticsCsv(stats: PublicStatistics): string {
  const rows: CsvValue[][] = [];
  for (const m of stats.documents.months) {
    for (const category of stats.documents.categories) rows.push([m.month, `documents:${category}`, m.documents[category] ?? 0]);
    rows.push([m.month, "documents", m.totalDocuments]);
    rows.push([m.month, "new_records_with_documents", m.newRecordsWithDocuments]);
    rows.push([m.month, "records_with_documents", m.recordsWithDocuments]);
  }
  rows.push(["current", "records_with_documents", stats.documents.recordsWithDocuments]);
  rows.push(["current", "documents", stats.documents.totalDocuments]);
  const p = stats.professionals;
  rows.push(["current", "professionals_declared", p.professionalsDeclared]);
  rows.push(["current", "trust_circle_professionals", p.trustCircleProfessionals]);
  rows.push(["current", "patients_with_trust_circle", p.patientsWithTrustCircle]);
  rows.push(["current", "referring_doctors", p.referringDoctors]);
  rows.push(["current", "patients_with_referring_doctor", p.patientsWithReferringDoctor]);
  return csvTable(["period", "indicator", "value"], rows);
}
