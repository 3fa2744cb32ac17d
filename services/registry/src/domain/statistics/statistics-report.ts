import type { Kysely } from "kysely";
import type { RegistryDatabase } from "../../storage/registry-database.js";
import { listDocumentCounts, listStatisticsMonths } from "../../storage/statistics.repository.js";
import { categoryOf, DSP_CATEGORIES, type DspCategory } from "./dsp-category.js";

/** One month of the published statistics. */
export interface MonthStatistics {
  readonly month: string;
  /** Documents registered in the month, per category (every category present, 0 when none). */
  readonly documents: Readonly<Record<DspCategory, number>>;
  readonly totalDocuments: number;
  /** Records (patients) whose first document was registered in the month. */
  readonly newRecordsWithDocuments: number;
  /** Records with at least one document at the end of the month. */
  readonly recordsWithDocuments: number;
}

export interface DocumentStatisticsReport {
  readonly generatedAt: string;
  readonly categories: readonly DspCategory[];
  readonly months: readonly MonthStatistics[];
  readonly recordsWithDocuments: number;
  readonly totalDocuments: number;
}

const zeroCounts = (): Record<DspCategory, number> => Object.fromEntries(DSP_CATEGORIES.map((c) => [c, 0])) as Record<DspCategory, number>;

/** The statistics as kept by the recounts, per month and category, oldest month first. */
export async function documentStatisticsReport(db: Kysely<RegistryDatabase>, now: Date = new Date()): Promise<DocumentStatisticsReport> {
  const [months, counts] = await Promise.all([listStatisticsMonths(db), listDocumentCounts(db)]);
  const perMonth = new Map<string, Record<DspCategory, number>>(months.map((m) => [m.month, zeroCounts()]));
  for (const row of counts) {
    const documents = perMonth.get(row.month);
    if (!documents) continue;
    const category = categoryOf({ code: row.classCode, scheme: row.classCodeScheme }, { code: row.typeCode, scheme: row.typeCodeScheme });
    documents[category] += row.documents;
  }
  let records = 0;
  let totalDocuments = 0;
  const result = months.map((m): MonthStatistics => {
    const documents = perMonth.get(m.month) ?? zeroCounts();
    const monthTotal = Object.values(documents).reduce((a, b) => a + b, 0);
    records += m.newRecords;
    totalDocuments += monthTotal;
    return { month: m.month, documents, totalDocuments: monthTotal, newRecordsWithDocuments: m.newRecords, recordsWithDocuments: records };
  });
  return { generatedAt: now.toISOString(), categories: DSP_CATEGORIES, months: result, recordsWithDocuments: records, totalDocuments };
}
