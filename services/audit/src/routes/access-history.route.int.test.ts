import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@opendsp/platform";
import { storeAuditRecords } from "../domain/audit-store.service.js";
import { auditRecord, OTHER_PATIENT, TEST_PATIENT } from "../testing/audit-record.builder.js";
import { DATABASE_KINDS, startAudit, type AuditUnderTest } from "../testing/audit-harness.js";

const PATIENT: Actor = { kind: "patient", id: TEST_PATIENT };
const REPRESENTATIVE: Actor = { kind: "representative", id: "rep-1", patientId: TEST_PATIENT };
const AUDITOR: Actor = { kind: "professional", id: "auditor-1", roles: ["dpo", "auditor"] };
const PROFESSIONAL: Actor = { kind: "professional", id: "10001234567", roles: ["doctor"] };

const url = (patientId: string, query = ""): string => `/api/audit/patients/${encodeURIComponent(patientId)}/accesses${query}`;

interface HistoryPage {
  total: number;
  items: { eventId: string; occurredAt: string; transaction: string; outcome: string; who: unknown; grant: unknown; queryId?: string; documents: unknown[] }[];
  nextCursor?: string;
}

describe.each(DATABASE_KINDS)("GET /api/audit/patients/{patientId}/accesses on %s", (kind) => {
  let audit: AuditUnderTest;
  // Ten accesses to TEST_PATIENT, one an hour from 08:00Z, newest last; one to another patient.
  const records = Array.from({ length: 10 }, (_, i) =>
    auditRecord({
      occurredAt: `2026-12-05T${String(8 + i).padStart(2, "0")}:00:00Z`,
      ...(i % 3 === 0 ? { transaction: "ITI-43" as const, role: "repository" as const, documents: [{ uniqueId: `1.2.3.${i}`, repositoryUniqueId: "1.2.9" }] } : {}),
      ...(i === 4 ? { outcome: "serious-failure" as const, failure: { code: "XDSRegistryError", reason: "stored query failed" } } : {}),
      ...(i === 7 ? { grant: { basis: "emergency" as const, emergency: true }, requestor: { kind: "professional" as const, id: "er-doc", roles: ["emergency"] } } : {}),
    }),
  );
  beforeAll(async () => {
    audit = await startAudit(kind, { AUDIT_AUDITOR_ROLES: "auditor,dpo-audit", AUDIT_HISTORY_DEFAULT_LIMIT: "4", AUDIT_HISTORY_MAX_LIMIT: "6" });
    await storeAuditRecords(audit.db, [...records, auditRecord({ patientIds: [OTHER_PATIENT] })], new Date());
  });
  afterAll(async () => {
    await audit.close();
  });

  it("shows the patient who accessed their record, newest first, with what, when, under which right and the outcome", async () => {
    const res = await audit.call("GET", url(TEST_PATIENT), PATIENT);
    expect(res.statusCode).toBe(200);
    const page = res.json<HistoryPage>();
    expect(page.total).toBe(10);
    expect(page.items.map((i) => i.occurredAt)).toEqual(["2026-12-05T17:00:00Z", "2026-12-05T16:00:00Z", "2026-12-05T15:00:00Z", "2026-12-05T14:00:00Z"]);
    expect(page.items[0]).toEqual({
      eventId: records[9]?.eventId,
      occurredAt: "2026-12-05T17:00:00Z",
      transaction: "ITI-43",
      outcome: "success",
      who: { kind: "professional", id: "10001234567", name: "Alice Martin", organizationId: "1.2.250.1.71.4.2.2", roles: ["doctor"] },
      grant: { basis: "trust-circle", emergency: false },
      queryId: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
      documents: [{ uniqueId: "1.2.3.9", repositoryUniqueId: "1.2.9" }],
    });
  });

  it("pages by cursor and by offset with the total, and caps the limit", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await audit.call("GET", url(TEST_PATIENT, `?limit=3${cursor === undefined ? "" : `&cursor=${cursor}`}`), PATIENT)).json<HistoryPage>();
      expect(page.total).toBe(10);
      seen.push(...page.items.map((i) => i.eventId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(records.map((r) => r.eventId).reverse());
    const byOffset = (await audit.call("GET", url(TEST_PATIENT, "?limit=2&offset=8"), PATIENT)).json<HistoryPage>();
    expect(byOffset.items.map((i) => i.eventId)).toEqual([records[1]?.eventId, records[0]?.eventId]);
    expect(byOffset.nextCursor).toBeUndefined();
    expect((await audit.call("GET", url(TEST_PATIENT, "?limit=7"), PATIENT)).json()).toMatchObject({ code: "AUDIT_INVALID_REQUEST" });
    expect((await audit.call("GET", url(TEST_PATIENT, "?cursor=bm90LWEtY3Vyc29y"), PATIENT)).json()).toMatchObject({ code: "AUDIT_INVALID_CURSOR" });
  });

  it("filters by time, transaction, outcome and emergency", async () => {
    const ids = async (query: string): Promise<string[]> => (await audit.call("GET", url(TEST_PATIENT, `${query}&limit=6`), PATIENT)).json<HistoryPage>().items.map((i) => i.eventId);
    expect(await ids("?from=2026-12-05T10:00:00Z&to=2026-12-05T12:00:00%2B00:00")).toEqual([records[4], records[3], records[2]].map((r) => r?.eventId));
    expect(await ids("?transaction=ITI-43")).toEqual([records[9], records[6], records[3], records[0]].map((r) => r?.eventId));
    expect(await ids("?outcome=serious-failure")).toEqual([records[4]?.eventId]);
    expect(await ids("?emergency=true")).toEqual([records[7]?.eventId]);
    const emergency = (await audit.call("GET", url(TEST_PATIENT, "?emergency=true"), PATIENT)).json<HistoryPage>().items[0];
    expect(emergency?.grant).toEqual({ basis: "emergency", emergency: true });
    expect((await audit.call("GET", url(TEST_PATIENT, "?transaction=ITI-99"), PATIENT)).statusCode).toBe(400);
    expect((await audit.call("GET", url(TEST_PATIENT, "?patient=x"), PATIENT)).statusCode).toBe(400);
    for (const from of ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-05T10:00:00"]) {
      const res = await audit.call("GET", url(TEST_PATIENT, `?from=${from}`), PATIENT);
      expect(res.json(), from).toMatchObject({ code: "AUDIT_INVALID_REQUEST", status: 400 });
    }
    const nul = await audit.call("GET", "/api/audit/patients/a%00b/accesses", AUDITOR);
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ code: "AUDIT_INVALID_REQUEST" });
  });

  it("lets the patient, their representative and auditors read; professionals get 403, no actor 401", async () => {
    expect((await audit.call("GET", url(TEST_PATIENT), REPRESENTATIVE)).statusCode).toBe(200);
    expect((await audit.call("GET", url(TEST_PATIENT), AUDITOR)).statusCode).toBe(200);
    const forbidden = await audit.call("GET", url(TEST_PATIENT), PROFESSIONAL);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: "AUDIT_FORBIDDEN" });
    expect((await audit.call("GET", url(OTHER_PATIENT), PATIENT)).statusCode).toBe(403);
    expect((await audit.call("GET", url(OTHER_PATIENT), REPRESENTATIVE)).statusCode).toBe(403);
    expect((await audit.call("GET", url(TEST_PATIENT), { kind: "representative", id: "rep-1" })).statusCode).toBe(403);
    const missing = await audit.call("GET", url(TEST_PATIENT));
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: "AUDIT_ACTOR_MISSING" });
    const invalid = await audit.app.inject({ method: "GET", url: url(TEST_PATIENT), headers: { "x-opendsp-actor": "!!" } });
    expect(invalid.json()).toMatchObject({ code: "AUDIT_ACTOR_INVALID", status: 401 });
    expect((await audit.call("GET", url(OTHER_PATIENT), AUDITOR)).json<HistoryPage>().total).toBe(1);
  });
});
