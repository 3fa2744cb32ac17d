import type { FastifyInstance } from "fastify";
import Type from "typebox";
import { DSP_CATEGORIES, type DspCategory } from "../domain/statistics/dsp-category.js";
import { statisticsCsv } from "../domain/statistics/statistics-csv.js";
import { documentStatisticsReport } from "../domain/statistics/statistics-report.js";
import type { RegistryDeps } from "../registry-deps.js";
import { answerErrorsAsProblems, Problem } from "./problem-details.js";

/*
 * GET /api/stats and /api/stats.csv: the documents registered per month and category and the records holding
 * documents, as kept by the statistics jobs. Aggregates only: no patient identifier leaves this route.
 */

export const STATISTICS_PATH = "/api/stats";
export const STATISTICS_CSV_PATH = "/api/stats.csv";

const Count = Type.Integer({ minimum: 0 });
const Category = Type.Unsafe<DspCategory>({ type: "string", enum: [...DSP_CATEGORIES] });

export const StatisticsReply = Type.Object({
  generatedAt: Type.String({ format: "date-time" }),
  categories: Type.Array(Category, { description: "The DSP's document categories, in the order of the published table" }),
  months: Type.Array(
    Type.Object({
      month: Type.String({ pattern: "^[0-9]{4}-[0-9]{2}$", description: "Month of registration, UTC" }),
      documents: Type.Object(Object.fromEntries(DSP_CATEGORIES.map((c) => [c, Count])), { description: "Documents registered, per category" }),
      totalDocuments: Count,
      newRecordsWithDocuments: Type.Integer({ minimum: 0, description: "Records (patients) whose first document was registered in the month" }),
      recordsWithDocuments: Type.Integer({ minimum: 0, description: "Records with at least one document at the end of the month" }),
    }),
    { description: "Months from the first registration to the last, oldest first; a month without documents is left out" },
  ),
  recordsWithDocuments: Count,
  totalDocuments: Count,
});

export function registerStatisticsRoutes(app: FastifyInstance, deps: RegistryDeps): void {
  void app.register((scope, _options, done) => {
    answerErrorsAsProblems(scope, "statistics API", "The registry could not read the statistics");
    scope.get(STATISTICS_PATH, { schema: { response: { 200: StatisticsReply, 500: Problem } } }, async () => documentStatisticsReport(deps.db));
    scope.get(
      STATISTICS_CSV_PATH,
      { schema: { response: { 200: { content: { "text/csv": { schema: Type.String({ description: "RFC 4180 CSV: header line, one line per month" }) } } }, 500: Problem } } },
      async (_request, reply) => reply.type("text/csv; charset=utf-8").send(statisticsCsv(await documentStatisticsReport(deps.db))),
    );
    done();
  });
}
