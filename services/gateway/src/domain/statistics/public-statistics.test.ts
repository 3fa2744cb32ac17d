import { describe, expect, it } from "vitest";
import { combineStatistics, publicStatisticsCsv } from "./public-statistics.js";

const registry = {
  generatedAt: "2026-12-06T01:00:00.000Z",
  categories: ["lab-results", "other"],
  months: [{ month: "2026-11", documents: { "lab-results": 2, other: 1 }, totalDocuments: 3, newRecordsWithDocuments: 2, recordsWithDocuments: 2 }],
  recordsWithDocuments: 2,
  totalDocuments: 3,
};
const consent = {
  generatedAt: "2026-12-06T01:00:01.000Z",
  professionalsDeclared: 4,
  trustCircleProfessionals: 3,
  patientsWithTrustCircle: 2,
  referringDoctors: 1,
  patientsWithReferringDoctor: 1,
};

describe("public statistics", () => {
  it("keeps each service's numbers under its own key, with the gateway's time", () => {
    const stats = combineStatistics(registry, consent, new Date("2026-12-06T02:00:00Z"));
    expect(stats.generatedAt).toBe("2026-12-06T02:00:00.000Z");
    expect(stats.documents).not.toHaveProperty("generatedAt");
    expect(stats.professionals).toEqual({ professionalsDeclared: 4, trustCircleProfessionals: 3, patientsWithTrustCircle: 2, referringDoctors: 1, patientsWithReferringDoctor: 1 });
  });

  it("writes a period,indicator,value table: monthly rows, then the live counts", () => {
    const csv = publicStatisticsCsv(combineStatistics(registry, consent, new Date("2026-12-06T02:00:00Z")));
    expect(csv.split("\r\n")).toEqual([
      "period,indicator,value",
      "2026-11,documents:lab-results,2",
      "2026-11,documents:other,1",
      "2026-11,documents,3",
      "2026-11,new_records_with_documents,2",
      "2026-11,records_with_documents,2",
      "current,records_with_documents,2",
      "current,documents,3",
      "current,professionals_declared,4",
      "current,trust_circle_professionals,3",
      "current,patients_with_trust_circle,2",
      "current,referring_doctors,1",
      "current,patients_with_referring_doctor,1",
      "",
    ]);
  });
});
