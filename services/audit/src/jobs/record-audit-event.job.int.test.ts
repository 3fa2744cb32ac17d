import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AUDIT_DELIVERY } from "@opendsp/atna";
import { createJobQueue, createLogger, encodeActorHeader, migrateToLatest, openDatabase, removeJobQueueData, type Database, type JobQueue } from "@opendsp/platform";
import { createPostgresTestDatabase, startCuttableTcpProxy, type CuttableTcpProxy, type TestDatabase } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_MIGRATIONS } from "../../migrations/index.js";
import { buildApp } from "../app.js";
import { loadAuditConfig } from "../config.js";
import type { AuditDatabase } from "../storage/audit-database.js";
import { auditRecord } from "../testing/audit-record.builder.js";
import { defineRecordAuditEventJob } from "./record-audit-event.job.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const RETRY = { attempts: 6, backoffMs: 200 };

/** The log lines of the queue, to see its retries (pino writes one JSON object per line). */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: { msg: string; jobId?: string }[] } {
  const lines: { msg: string; jobId?: string }[] = [];
  const logger = createLogger({ service: "audit", level: "warn", destination: { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) } });
  return { logger, lines };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(50);
  }
}

describe("the record-audit-event job (AUDIT_DELIVERY with Redis) on BullMQ and PostgreSQL", () => {
  let testDb: TestDatabase;
  let proxy: CuttableTcpProxy;
  let database: Database<AuditDatabase>;
  let queue: JobQueue | undefined;
  let prefix = "";
  const captured = capturedLogger();

  beforeAll(async () => {
    testDb = await createPostgresTestDatabase("opendsp_audit");
    const target = new URL(testDb.url);
    proxy = await startCuttableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(testDb.url);
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    database = await openDatabase<AuditDatabase>({ url: viaProxy.toString(), maxConnections: 2, onIdleConnectionError: () => undefined });
    await migrateToLatest(database.db as Kysely<unknown>, AUDIT_MIGRATIONS);
  });
  afterEach(async () => {
    await queue?.close();
    queue = undefined;
    await removeJobQueueData(REDIS_URL, prefix);
  });
  afterAll(async () => {
    await database.close();
    await proxy.close();
    await testDb.drop();
  });

  const startConsumer = async () => {
    prefix = `${AUDIT_DELIVERY.queuePrefix}-test:${randomBytes(4).toString("hex")}`;
    queue = await createJobQueue({ redisUrl: REDIS_URL, prefix, logger: captured.logger });
    expect(queue.backend).toBe("bullmq");
    return defineRecordAuditEventJob(queue, { db: database.db, now: () => new Date() }, RETRY);
  };
  const storedCount = async (eventId: string): Promise<number> =>
    Number((await database.db.selectFrom("audit_event").select((eb) => eb.fn.countAll<string>().as("n")).where("event_id", "=", eventId).executeTakeFirstOrThrow()).n);

  it("stores a record per job; the same record delivered twice is stored once", async () => {
    const job = await startConsumer();
    const [a, b] = [auditRecord(), auditRecord()];
    expect(await job.add({ record: a }, { jobId: a.eventId })).toEqual({ jobId: a.eventId, added: true });
    expect(await job.add({ record: b }, { jobId: b.eventId })).toEqual({ jobId: b.eventId, added: true });
    expect((await job.add({ record: a }, { jobId: a.eventId })).added).toBe(false);
    // A relay that lost track and sends the record again under another job id: the store's eventId check holds.
    await job.add({ record: a }, { jobId: `again-${a.eventId}` });
    await waitFor(() => Promise.all([storedCount(a.eventId), storedCount(b.eventId)]), ([x, y]) => x === 1 && y === 1);
    await sleep(300);
    expect(await storedCount(a.eventId)).toBe(1);
    expect(await queue?.listFailed()).toEqual([]);
  });

  it("sends an invalid record to the dead letter at once, where the admin API lists it", async () => {
    const job = await startConsumer();
    const bad = { ...auditRecord(), outcome: "fine" };
    const unstorable = auditRecord({ messageId: "urn:uuid:\u0000" });
    await job.add({ record: bad }, { jobId: bad.eventId });
    await job.add({ record: unstorable }, { jobId: unstorable.eventId });
    const failed = await waitFor(() => queue?.listFailed() ?? Promise.resolve([]), (f) => f.length === 2);
    const reasons = Object.fromEntries(failed.map((f) => [f.jobId, f]));
    expect(reasons[bad.eventId]).toMatchObject({ attemptsMade: 1, reason: expect.stringMatching(/^ATNA_RECORD_INVALID/) as unknown });
    expect(reasons[unstorable.eventId]).toMatchObject({ attemptsMade: 1, reason: expect.stringMatching(/^AUDIT_RECORD_NOT_STORABLE/) as unknown });

    const logger = createLogger({ service: "audit", level: "silent" });
    const app = buildApp(loadAuditConfig({}), { db: database.db, jobQueue: queue as JobQueue, now: () => new Date(), logger });
    try {
      const res = await app.inject({ method: "GET", url: "/api/audit/admin/dead-letter", headers: { "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "a-1", roles: ["auditor"] }) } });
      expect(res.statusCode).toBe(200);
      const listed = res.json<{ failedJobs: { eventId: string }[]; refusedRecords: unknown[] }>();
      expect(listed.failedJobs.map((j) => j.eventId).sort()).toEqual([bad.eventId, unstorable.eventId].sort());
      expect(listed.refusedRecords).toEqual([]);
      const refused = await app.inject({ method: "GET", url: "/api/audit/admin/dead-letter", headers: { "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "d-1", roles: ["doctor"] }) } });
      expect(refused.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });

  it("retries with backoff while the audit database is down and stores the record once after it is back", async () => {
    const job = await startConsumer();
    const record = auditRecord();
    proxy.cut();
    try {
      await job.add({ record }, { jobId: record.eventId });
      await waitFor(() => Promise.resolve(captured.lines.filter((l) => l.jobId === record.eventId && l.msg === "job failed; retried later").length), (n) => n >= 2);
    } finally {
      proxy.restore();
    }
    await waitFor(() => storedCount(record.eventId), (n) => n === 1);
    expect(await queue?.listFailed()).toEqual([]);
  });
});
