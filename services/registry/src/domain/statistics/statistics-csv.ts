import { csvTable } from "@opendsp/platform";
import type { DocumentStatisticsReport } from "./statistics-report.js";

/** The report as the DSP's table: one line per month, a column per category, then the totals and records. */
export function statisticsCsv(report: DocumentStatisticsReport): string {
  const header = ["month", ...report.categories, "total_documents", "new_records_with_documents", "records_with_documents"];
  const rows = report.months.map((m) => [
    m.month,
    ...report.categories.map((c) => m.documents[c]),
    m.totalDocuments,
    m.newRecordsWithDocuments,
    m.recordsWithDocuments,
  ]);
  return csvTable(header, rows);
}
