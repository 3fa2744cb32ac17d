import { ACTION, RESPONSE_STATUS, parseRegistryResponse } from "@opendsp/ebxml";
import { removeJobQueueData } from "@opendsp/platform";
import { dischargeLetterEntry, registerRequestElement, submissionSetFor } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { upsertPatient } from "../../storage/patient.repository.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../../testing/registry-harness.js";
import { statisticsWindow } from "../../jobs/statistics.jobs.js";
import { categoryOf, DSP_CATEGORIES, type DspCategory } from "./dsp-category.js";
import { recountAfterRegistration, recountAllMonths, recountMonth } from "./recount-statistics.js";
import type { DocumentStatisticsReport } from "./statistics-report.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const LOINC = "2.16.840.1.113883.6.1";
const code = (c: string, scheme = LOINC) => ({ code: c, codingScheme: scheme, displayName: c });
/** classCodes of several DSP categories, and one (a consult note) that counts as "other". */
const KINDS = [
  code("11502-2"),
  code("18842-5"),
  code("87273-9"),
  code("DSP-CERT-MED", "1.3.6.1.4.1.59999.1.1"),
  code("11488-4"),
  code("59258-4"),
] as const;

let patientCounter = 0;
const newPatient = (): string => `S${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

/** Registers one submission set of `documents` entries through the ITI-42 endpoint; answers its entryUUID. */
async function registerSubmission(registry: RegistryUnderTest, patientId: string, kinds: readonly (typeof KINDS)[number][]): Promise<string> {
  await upsertPatient(registry.db, patientId);
  const submissionSet = submissionSetFor(patientId);
  const entries = kinds.map((kind, i) => dischargeLetterEntry(patientId, { entryUuid: `Document${i}`, classCode: kind, typeCode: kind }));
  const res = await soapCall(registry.app, ACTION.iti42.request, registerRequestElement({ submissionSet, documentEntries: entries }));
  const parsed = res.body ? parseRegistryResponse(res.body) : undefined;
  expect(parsed?.ok && parsed.value.status).toBe(RESPONSE_STATUS.success);
  const row = await registry.db.selectFrom("submission_set").select("entry_uuid").where("unique_id", "=", submissionSet.uniqueId ?? "").executeTakeFirstOrThrow();
  return row.entry_uuid;
}

async function readStats(registry: RegistryUnderTest): Promise<DocumentStatisticsReport> {
  const res = await registry.app.inject({ method: "GET", url: "/api/stats" });
  expect(res.statusCode).toBe(200);
  return res.json<DocumentStatisticsReport>();
}

/** The same statistics counted straight from document_entry in SQL: per month and category, and first documents. */
async function countedInSql(registry: RegistryUnderTest): Promise<{ documents: Map<string, Record<DspCategory, number>>; newRecords: Map<string, number> }> {
  const perCode = await sql<{ month: string; class_code: string; class_code_scheme: string; type_code: string; type_code_scheme: string; n: number }>`
    SELECT to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, class_code, class_code_scheme, type_code, type_code_scheme, count(*)::integer AS n
    FROM document_entry GROUP BY 1, 2, 3, 4, 5`.execute(registry.db);
  const documents = new Map<string, Record<DspCategory, number>>();
  for (const r of perCode.rows) {
    const counts = documents.get(r.month) ?? (Object.fromEntries(DSP_CATEGORIES.map((c) => [c, 0])) as Record<DspCategory, number>);
    counts[categoryOf({ code: r.class_code, scheme: r.class_code_scheme }, { code: r.type_code, scheme: r.type_code_scheme })] += r.n;
    documents.set(r.month, counts);
  }
  const firsts = await sql<{ month: string; n: number }>`
    SELECT to_char(first AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::integer AS n
    FROM (SELECT patient_id, min(registered_at) AS first FROM document_entry GROUP BY patient_id) f GROUP BY 1`.execute(registry.db);
  return { documents, newRecords: new Map(firsts.rows.map((r) => [r.month, r.n])) };
}

async function expectStatsMatchSql(registry: RegistryUnderTest): Promise<DocumentStatisticsReport> {
  const stats = await readStats(registry);
  const expected = await countedInSql(registry);
  expect(stats.months.map((m) => m.month)).toEqual([...expected.documents.keys()].sort());
  for (const month of stats.months) {
    expect(month.documents).toEqual(expected.documents.get(month.month));
    expect(month.newRecordsWithDocuments).toBe(expected.newRecords.get(month.month) ?? 0);
  }
  const patients = await registry.db.selectFrom("document_entry").select(sql<number>`count(DISTINCT patient_id)::integer`.as("n")).executeTakeFirstOrThrow();
  expect(stats.recordsWithDocuments).toBe(patients.n);
  return stats;
}

/** Moves a submission set and its documents to an earlier registration time, as if registered then. */
async function registeredAt(registry: RegistryUnderTest, submissionSetUuid: string, when: string): Promise<void> {
  await registry.db.updateTable("submission_set").set({ registered_at: when }).where("entry_uuid", "=", submissionSetUuid).execute();
  await registry.db.updateTable("document_entry").set({ registered_at: when }).where("submission_set_uuid", "=", submissionSetUuid).execute();
}

describe.each(DATABASE_KINDS)("statistics after ITI-42 registrations on %s (in-process jobs)", (kind) => {
  let registry: RegistryUnderTest;
  const submissions: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry(kind, { jobs: true, env: { REGISTRY_STATISTICS_WINDOW_MS: "50" } });
    const [a, b, c] = [newPatient(), newPatient(), newPatient()];
    submissions.push(await registerSubmission(registry, a, [KINDS[0], KINDS[1]]));
    submissions.push(await registerSubmission(registry, b, [KINDS[2], KINDS[3], KINDS[4]]));
    submissions.push(await registerSubmission(registry, a, [KINDS[5]]));
    submissions.push(await registerSubmission(registry, c, [KINDS[0], KINDS[0]]));
  });
  afterAll(async () => {
    await registry.close();
  });

  it("counts each registration through the job queued after it, matching a count in SQL", async () => {
    await vi.waitFor(async () => expect((await readStats(registry)).totalDocuments).toBe(8));
    const stats = await expectStatsMatchSql(registry);
    expect(stats.recordsWithDocuments).toBe(3);
    const month = stats.months.at(-1);
    expect(month?.documents).toMatchObject({ "lab-results": 3, "discharge-letters": 1, vaccination: 1, certificates: 1, other: 1, "emergency-summaries": 1 });
    expect(stats.categories).toEqual(DSP_CATEGORIES);
    expect(Date.parse(stats.generatedAt)).not.toBeNaN();
  });

  it("counts a job run twice once, and queues one job per window", async () => {
    await vi.waitFor(async () => expect((await readStats(registry)).totalDocuments).toBe(8));
    const before = await readStats(registry);
    const uuid = submissions[0] ?? "";
    await recountAfterRegistration(registry.db, uuid);
    await recountAfterRegistration(registry.db, uuid);
    await Promise.all([recountMonth(registry.db, before.months[0]?.month ?? ""), recountMonth(registry.db, before.months[0]?.month ?? "")]);
    expect({ ...(await readStats(registry)), generatedAt: "" }).toEqual({ ...before, generatedAt: "" });
    // A window's job was queued by its first registration: the others of the window add nothing.
    const window = statisticsWindow(Date.now(), 60_000);
    const first = await registry.jobs?.queue.add("statistics-after-registration", { submissionSetUuid: uuid }, window);
    const again = await registry.jobs?.queue.add("statistics-after-registration", { submissionSetUuid: submissions[1] ?? "" }, window);
    expect([first?.added, again?.added]).toEqual([true, false]);
    await expect(recountAfterRegistration(registry.db, "urn:uuid:00000000-0000-4000-8000-000000000000")).resolves.toEqual([]);
  });

  it("heals through the catch-up recount: several months, and numbers a lost job left behind", async () => {
    await vi.waitFor(async () => expect((await readStats(registry)).totalDocuments).toBe(8));
    // Earlier registrations: b's in September, a's first in October (so a is a new record of October).
    await registeredAt(registry, submissions[1] ?? "", "2026-09-15T10:00:00Z");
    await registeredAt(registry, submissions[0] ?? "", "2026-10-31T23:59:59Z");
    // A lost job: counters of a month deleted by hand; the recount brings them back.
    await registry.db.deleteFrom("statistics_month").execute();
    expect((await readStats(registry)).months).toEqual([]);
    await recountAllMonths(registry.db);
    const stats = await expectStatsMatchSql(registry);
    expect(stats.months.slice(0, 2).map((m) => [m.month, m.totalDocuments, m.newRecordsWithDocuments, m.recordsWithDocuments])).toEqual([
      ["2026-09", 3, 1, 1],
      ["2026-10", 2, 1, 2],
    ]);
    // The months in between have no documents and are left out; the last month holds a's later document and c.
    expect(stats.months.at(-1)).toMatchObject({ totalDocuments: 3, newRecordsWithDocuments: 1, recordsWithDocuments: 3 });
    await recountAllMonths(registry.db);
    expect({ ...(await readStats(registry)), generatedAt: "" }).toEqual({ ...stats, generatedAt: "" });
  });

  it("serves the same numbers as an RFC 4180 table on /api/stats.csv", async () => {
    const stats = await readStats(registry);
    const res = await registry.app.inject({ method: "GET", url: "/api/stats.csv" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = res.body.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[0]).toBe(`month,${DSP_CATEGORIES.join(",")},total_documents,new_records_with_documents,records_with_documents`);
    expect(lines).toHaveLength(stats.months.length + 2);
    const first = stats.months[0];
    expect(lines[1]).toBe([first?.month, ...DSP_CATEGORIES.map((c) => first?.documents[c]), first?.totalDocuments, first?.newRecordsWithDocuments, first?.recordsWithDocuments].join(","));
  });
});

describe("statistics jobs on BullMQ (real Redis)", () => {
  const prefix = `opendsp-test-${randomBytes(4).toString("hex")}:registry`;
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    registry = await startRegistry("postgres", { jobs: true, env: { REDIS_URL, REGISTRY_JOBS_PREFIX: prefix, REGISTRY_STATISTICS_WINDOW_MS: "50" } });
  });
  afterAll(async () => {
    await registry.close();
    await removeJobQueueData(REDIS_URL, prefix);
  });

  it("counts registrations through jobs on Redis, one per window, and recounts on the catch-up job", async () => {
    expect(registry.jobs?.queue.backend).toBe("bullmq");
    const patient = newPatient();
    const uuid = await registerSubmission(registry, patient, [KINDS[0], KINDS[2]]);
    await registerSubmission(registry, newPatient(), [KINDS[3]]);
    await vi.waitFor(async () => expect((await readStats(registry)).totalDocuments).toBe(3), { timeout: 10_000 });
    await expectStatsMatchSql(registry);
    const window = statisticsWindow(Date.now(), 60_000);
    expect(await registry.jobs?.queue.add("statistics-after-registration", { submissionSetUuid: uuid }, window)).toMatchObject({ added: true });
    expect(await registry.jobs?.queue.add("statistics-after-registration", { submissionSetUuid: uuid }, window)).toMatchObject({ added: false });

    await registry.db.deleteFrom("statistics_month").execute();
    await registry.jobs?.statistics.catchUpNow();
    await vi.waitFor(async () => expect((await readStats(registry)).totalDocuments).toBe(3), { timeout: 10_000 });
    const stats = await expectStatsMatchSql(registry);
    expect(stats.recordsWithDocuments).toBe(2);
    expect(await registry.jobs?.queue.listFailed()).toEqual([]);
  });

  it("answers ITI-42 Success when the job cannot be queued, and the recount counts the registration", async () => {
    const before = (await readStats(registry)).totalDocuments;
    await registry.jobs?.close();
    await registerSubmission(registry, newPatient(), [KINDS[1]]);
    expect((await readStats(registry)).totalDocuments).toBe(before);
    await recountAllMonths(registry.db);
    expect((await readStats(registry)).totalDocuments).toBe(before + 1);
    await expectStatsMatchSql(registry);
  });
});
