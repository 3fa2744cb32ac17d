import { AUDIT_DELIVERY } from "@opendsp/atna";
import { createInProcessJobQueue, createLogger, migrateToLatest, openDatabase } from "@opendsp/platform";
import { createPostgresTestDatabase, startCuttableTcpProxy } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_MIGRATIONS } from "../../migrations/index.js";
import { buildApp } from "../app.js";
import { loadAuditConfig } from "../config.js";
import type { AuditDatabase } from "../storage/audit-database.js";
import { auditRecord } from "../testing/audit-record.builder.js";
import { DATABASE_KINDS, startAudit, type AuditUnderTest } from "../testing/audit-harness.js";

const AUDITOR = { kind: "professional" as const, id: "auditor-1", roles: ["auditor"] };

describe.each(DATABASE_KINDS)("POST /internal/audit-events (AUDIT_DELIVERY without Redis) on %s", (kind) => {
  let audit: AuditUnderTest;
  beforeAll(async () => {
    audit = await startAudit(kind, { AUDIT_INTAKE_MAX_BYTES: "20000" });
  });
  afterAll(async () => {
    await audit.close();
  });
  const count = async (): Promise<number> => Number((await audit.db.selectFrom("audit_event").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

  it("stores a batch and answers 200 with stored and duplicates", async () => {
    const [a, b] = [auditRecord(), auditRecord({ transaction: "ITI-43", role: "repository", documents: [{ uniqueId: "1.2.3.4" }] })];
    const first = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: [a, b] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ stored: 2, duplicates: 0 });
    const again = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: [a, b] });
    expect(again.json()).toEqual({ stored: 0, duplicates: 2 });
    expect(await count()).toBe(2);
  });

  it("refuses a batch with invalid records with 400 AUDIT_INTAKE_INVALID naming them, stores nothing of it, and lists them in the dead letter", async () => {
    const good = auditRecord();
    const bad = { ...auditRecord(), transaction: "ITI-99" };
    const res = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: [good, bad, "not a record"] });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const body = res.json<{ code: string; invalid: { index: number; reason: string }[] }>();
    expect(body.code).toBe("AUDIT_INTAKE_INVALID");
    expect(body.invalid.map((i) => i.index)).toEqual([1, 2]);
    expect(body.invalid[0]?.reason).toMatch(/^ATNA_RECORD_INVALID/);
    expect(await count()).toBe(2);

    await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: [bad] });
    const deadLetter = await audit.call("GET", "/api/audit/admin/dead-letter", AUDITOR);
    expect(deadLetter.statusCode).toBe(200);
    const refused = deadLetter.json<{ refusedRecords: { eventId: string | null; timesRefused: number }[] }>().refusedRecords;
    expect(refused).toEqual(expect.arrayContaining([expect.objectContaining({ eventId: bad.eventId, timesRefused: 2 }), expect.objectContaining({ eventId: null, timesRefused: 1 })]));
  });

  it("refuses a record whose text holds a NUL character as invalid, and keeps it for the dead letter", async () => {
    const record = auditRecord({ requestor: { kind: "professional", id: "dr\u0000x" } });
    const res = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: [record] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "AUDIT_INTAKE_INVALID", invalid: [{ index: 0, reason: expect.stringMatching(/^AUDIT_RECORD_NOT_STORABLE/) as unknown }] });
    const deadLetter = (await audit.call("GET", "/api/audit/admin/dead-letter", AUDITOR)).json<{ refusedRecords: { eventId: string | null }[] }>();
    expect(deadLetter.refusedRecords.map((r) => r.eventId)).toContain(record.eventId);
  });

  it("answers 413 AUDIT_INTAKE_TOO_LARGE over AUDIT_INTAKE_MAX_BYTES and 400 for a body that is not a batch", async () => {
    const big = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: Array.from({ length: 60 }, () => auditRecord()) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: "AUDIT_INTAKE_TOO_LARGE" });
    const tooMany = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { records: Array.from({ length: AUDIT_DELIVERY.maxBatch + 1 }, () => ({})) });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json()).toMatchObject({ code: "AUDIT_INTAKE_TOO_LARGE" });
    const notBatch = await audit.call("POST", AUDIT_DELIVERY.intakePath, undefined, { record: auditRecord() });
    expect(notBatch.statusCode).toBe(400);
    expect(notBatch.json()).toMatchObject({ code: "AUDIT_INVALID_REQUEST" });
  });
});

describe("POST /internal/audit-events while the audit database is down", () => {
  it("answers 503 AUDIT_STORE_UNAVAILABLE, and stores the batch once the database is back", async () => {
    const testDb = await createPostgresTestDatabase("opendsp_audit");
    const target = new URL(testDb.url);
    const proxy = await startCuttableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(testDb.url);
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    const database = await openDatabase<AuditDatabase>({ url: viaProxy.toString(), maxConnections: 2, onIdleConnectionError: () => undefined });
    const logger = createLogger({ service: "audit", level: "silent" });
    const jobQueue = createInProcessJobQueue({ prefix: "audit-test", logger });
    const app = buildApp(loadAuditConfig({}), { db: database.db, jobQueue, now: () => new Date(), logger });
    try {
      await migrateToLatest(database.db as Kysely<unknown>, AUDIT_MIGRATIONS);
      const records = [auditRecord(), auditRecord()];
      proxy.cut();
      const down = await app.inject({ method: "POST", url: AUDIT_DELIVERY.intakePath, payload: { records } });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: "AUDIT_STORE_UNAVAILABLE", status: 503 });
      proxy.restore();
      const back = await app.inject({ method: "POST", url: AUDIT_DELIVERY.intakePath, payload: { records } });
      expect(back.json()).toEqual({ stored: 2, duplicates: 0 });
    } finally {
      proxy.restore();
      await app.close();
      await jobQueue.close();
      await database.close();
      await proxy.close();
      await testDb.drop();
    }
  });
});
