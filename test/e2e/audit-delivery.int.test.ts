import { createPostgresTestDatabase, startCuttableTcpProxy, startPrivateRedis, type CuttableTcpProxy, type PrivateRedis, type TestDatabase } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startAuditTrailPlatform, waitFor, type AuditStoreCounts, type AuditTrailPlatform } from "./audit-trail.harness.js";

/**
 * The audit trail across outages (IHE ITI TF-1 9, ATNA: every access is recorded): the registry and the repository
 * write each AuditRecord to their outbox in the transaction of what it records, so a submission succeeds while the
 * way to the audit service is down, and once it is back every record is stored exactly once (idempotent by eventId).
 * Each ITI-41 submission gives one ITI-41 record (repository) and one ITI-42 record (registry).
 */
const SUBMISSIONS = 40;
const DELIVERED_WITHIN_MS = 90_000;

let platform: AuditTrailPlatform | undefined;
let redis: PrivateRedis | undefined;
let proxy: CuttableTcpProxy | undefined;
let auditDatabase: TestDatabase | undefined;

afterEach(async () => {
  await platform?.close();
  await proxy?.close();
  await redis?.dispose();
  await auditDatabase?.drop();
  platform = undefined;
  proxy = undefined;
  redis = undefined;
  auditDatabase = undefined;
});

/**
 * Everything written before the run (the patient feed) is stored first, so the run's records can be counted apart.
 * An empty outbox is not enough: a record the relay has handed to the queue may still be on its way to the store (the
 * worker, the store's batch), so the count must also have stood still for a second.
 */
async function baseline(started: AuditTrailPlatform): Promise<AuditStoreCounts> {
  await waitFor(() => started.outboxes(), (o) => o.pending === 0, DELIVERED_WITHIN_MS, "the outboxes did not empty before the run");
  let last = await started.auditStore();
  return waitFor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await started.auditStore();
      const still = now.rows === last.rows;
      last = now;
      return { now, still };
    },
    (read) => read.still,
    DELIVERED_WITHIN_MS,
    "the audit store kept growing before the run",
  ).then((read) => read.now);
}

/** Submits `count` documents one after the other, running `midway` after half of them; every submission must succeed. */
async function submitAll(started: AuditTrailPlatform, count: number, midway: () => Promise<void>): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i === count / 2) await midway();
    expect(await started.submit(), `submission ${i + 1}`).toBe(true);
  }
}

async function expectEveryRecordOnce(started: AuditTrailPlatform, before: AuditStoreCounts): Promise<void> {
  const expected = before.rows + 2 * SUBMISSIONS;
  const stored = await waitFor(() => started.auditStore(), (s) => s.rows >= expected, DELIVERED_WITHIN_MS, `the audit store did not reach ${expected} records`);
  expect(stored.rows).toBe(expected);
  expect(stored.distinctEventIds).toBe(expected);
  expect((stored.byTransaction["ITI-41"] ?? 0) - (before.byTransaction["ITI-41"] ?? 0)).toBe(SUBMISSIONS);
  expect((stored.byTransaction["ITI-42"] ?? 0) - (before.byTransaction["ITI-42"] ?? 0)).toBe(SUBMISSIONS);
  const outboxes = await waitFor(() => started.outboxes(), (o) => o.pending === 0, DELIVERED_WITHIN_MS, "the outboxes did not empty");
  expect(outboxes).toEqual({ pending: 0, heldAside: 0 });
  expect(await started.deadLetter()).toEqual({ failedJobs: [], refusedRecords: [] });
}

describe("audit trail end to end: ITI-41 and ITI-42 records reach the audit store exactly once", () => {
  it("through the audit queue, with Redis stopped in the middle of the run and started again", async () => {
    redis = await startPrivateRedis();
    auditDatabase = await createPostgresTestDatabase("opendsp_e2e_audit");
    const queuePrefix = `opendsp-e2e-${randomBytes(4).toString("hex")}:audit`;
    platform = await startAuditTrailPlatform({ route: { redisUrl: redis.url, queuePrefix }, auditDatabase });
    const before = await baseline(platform);
    const privateRedis = redis;
    await submitAll(platform, SUBMISSIONS, () => privateRedis.stop());
    expect((await platform.outboxes()).pending).toBeGreaterThan(0);
    await privateRedis.start();
    await expectEveryRecordOnce(platform, before);
  }, 240_000);

  it("through the audit queue, with the audit service's database cut in the middle of the run and restored", async () => {
    redis = await startPrivateRedis();
    auditDatabase = await createPostgresTestDatabase("opendsp_e2e_audit");
    const target = new URL(auditDatabase.url);
    proxy = await startCuttableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const throughProxy = new URL(auditDatabase.url);
    throughProxy.host = `${proxy.host}:${proxy.port}`;
    const queuePrefix = `opendsp-e2e-${randomBytes(4).toString("hex")}:audit`;
    platform = await startAuditTrailPlatform({ route: { redisUrl: redis.url, queuePrefix }, auditDatabase, auditDatabaseUrl: throughProxy.toString() });
    const before = await baseline(platform);
    const cuttable = proxy;
    await submitAll(platform, SUBMISSIONS, () => Promise.resolve(cuttable.cut()));
    cuttable.restore();
    await expectEveryRecordOnce(platform, before);
  }, 240_000);

  it("through the HTTP intake (no Redis), with the audit service stopped in the middle of the run and started again", async () => {
    auditDatabase = await createPostgresTestDatabase("opendsp_e2e_audit");
    platform = await startAuditTrailPlatform({ route: { http: true }, auditDatabase });
    const before = await baseline(platform);
    const started = platform;
    await submitAll(platform, SUBMISSIONS, () => started.stopAudit());
    expect((await platform.outboxes()).pending).toBeGreaterThan(0);
    await started.startAudit();
    await expectEveryRecordOnce(platform, before);
  }, 240_000);
});
