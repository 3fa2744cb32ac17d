import { AUDIT_DELIVERY, type AuditIntakeRequest, type AuditRecord, type RecordAuditEventPayload } from "@opendsp/atna";
import { startCuttableTcpProxy, startPrivateRedis } from "@opendsp/testing";
import Fastify, { type FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database.js";
import { createJobQueue } from "../jobs/create-job-queue.js";
import type { JobPayload } from "../jobs/job-queue.js";
import { removeJobQueueData } from "../jobs/remove-job-queue-data.js";
import { createLogger } from "../logging/logger.js";
import { appendAuditRecord, countAuditOutbox } from "./audit-outbox.js";
import { createAuditOutboxTable, type AuditOutboxDatabase } from "./audit-outbox.table.js";
import { auditRecordForTest, roleMismatchRecord } from "./audit-record.testing.js";
import { createAuditRelay } from "./audit-relay.js";
import { createAuditDelivery } from "./create-audit-delivery.js";
import { createHttpAuditDelivery } from "./http-audit-delivery.js";
import { createMemoryAuditOutbox } from "./memory-audit-outbox.js";
import { createQueueAuditDelivery } from "./queue-audit-delivery.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const FILE_PREFIX = `opendsp-test-${randomBytes(4).toString("hex")}`;
let counter = 0;
const freshPrefix = (): string => `${FILE_PREFIX}:audit${++counter}`;
const logger = createLogger({ service: "audit-delivery-test", level: "silent" });

afterAll(async () => {
  await removeJobQueueData(REDIS_URL, FILE_PREFIX);
});

/** The audit service's side of the queue, as it will consume it: the same job name on the same prefix. */
async function auditQueueConsumer(redisUrl: string, prefix: string): Promise<{ stored: AuditRecord[]; jobIds: string[]; close(): Promise<void> }> {
  const queue = await createJobQueue({ redisUrl, prefix, logger });
  const stored: AuditRecord[] = [];
  const jobIds: string[] = [];
  queue.define<RecordAuditEventPayload & JobPayload>({
    name: AUDIT_DELIVERY.jobName,
    run: (payload, context) => {
      stored.push(payload.record as AuditRecord);
      jobIds.push(context.jobId);
      return Promise.resolve();
    },
  });
  return { stored, jobIds, close: () => queue.close() };
}

/** A small audit intake as the audit service answers (AuditIntakeResponse / AuditIntakeRefusal), keeping records by eventId. */
async function startIntake(): Promise<{ app: FastifyInstance; url: string; port: number; stored: Map<string, AuditRecord>; posts: number; down: boolean }> {
  const app = Fastify();
  const state = { app, url: "", port: 0, stored: new Map<string, AuditRecord>(), posts: 0, down: false };
  app.post(AUDIT_DELIVERY.intakePath, (request, reply) => {
    state.posts++;
    if (state.down) return reply.code(503).send({ code: "AUDIT_STORE_UNAVAILABLE", message: "the audit store cannot be written" });
    const { records } = request.body as AuditIntakeRequest;
    const invalid = (records as AuditRecord[]).flatMap((r, index) => (r.role === "registry" && r.transaction === "ITI-41" ? [{ index, reason: "role" }] : []));
    if (invalid.length > 0) return reply.code(400).send({ code: "AUDIT_INTAKE_INVALID", message: "invalid records", invalid });
    let duplicates = 0;
    for (const record of records as AuditRecord[]) {
      if (state.stored.has(record.eventId)) duplicates++;
      state.stored.set(record.eventId, record);
    }
    return reply.code(200).send({ stored: records.length - duplicates, duplicates });
  });
  state.url = await app.listen({ host: "127.0.0.1", port: 0 });
  state.port = (app.server.address() as { port: number }).port;
  return state;
}

describe("queue audit delivery (Redis)", () => {
  it("adds one record-audit-event job per record, the eventId as job id, which the audit queue's worker runs", async () => {
    const prefix = freshPrefix();
    const consumer = await auditQueueConsumer(REDIS_URL, prefix);
    const delivery = await createQueueAuditDelivery({ redisUrl: REDIS_URL, queuePrefix: prefix, logger });
    try {
      const records = [auditRecordForTest(), auditRecordForTest()];
      expect(await delivery.deliver(records)).toEqual({ outcome: "delivered" });
      await waitFor(() => consumer.stored.length >= 2);
      await sleep(200);
      expect(consumer.stored.map((r) => r.eventId).sort()).toEqual(records.map((r) => r.eventId).sort());
      expect(consumer.stored.find((r) => r.eventId === records[0]?.eventId)).toEqual(records[0]);
      expect(consumer.jobIds.sort()).toEqual(records.map((r) => r.eventId).sort());
    } finally {
      await delivery.close();
      await consumer.close();
    }
  });

  it("adds a record relayed again while its job waits once; after that job completed, as a job again", async () => {
    const prefix = freshPrefix();
    const delivery = await createQueueAuditDelivery({ redisUrl: REDIS_URL, queuePrefix: prefix, logger });
    let consumer: Awaited<ReturnType<typeof auditQueueConsumer>> | undefined;
    try {
      const record = auditRecordForTest();
      // Relayed again (a crash before the outbox commit) while the job still waits: the same job id, nothing added.
      expect(await delivery.deliver([record])).toEqual({ outcome: "delivered" });
      expect(await delivery.deliver([record])).toEqual({ outcome: "delivered" });
      consumer = await auditQueueConsumer(REDIS_URL, prefix);
      const started = consumer;
      await waitFor(() => started.stored.length >= 1);
      await sleep(200);
      expect(started.stored).toEqual([record]);
      // Completed jobs are not kept: relayed again later, the record is a job again, which the audit store's eventId
      // check makes a duplicate (services/audit record-audit-event.job.int.test.ts).
      expect(await delivery.deliver([record])).toEqual({ outcome: "delivered" });
      await waitFor(() => started.stored.length >= 2);
      expect(started.jobIds).toEqual([record.eventId, record.eventId]);
    } finally {
      await delivery.close();
      await consumer?.close();
    }
  });

  it("answers unavailable while Redis is down, and closes without waiting for it", { timeout: 20_000 }, async () => {
    const redis = await startPrivateRedis();
    const delivery = await createQueueAuditDelivery({ redisUrl: redis.url, queuePrefix: freshPrefix(), logger });
    try {
      await redis.stop();
      expect(await delivery.deliver([auditRecordForTest()])).toMatchObject({ outcome: "unavailable" });
      const started = Date.now();
      await delivery.close();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await redis.dispose();
    }
  });

  it("names an invalid record by its index and adds nothing of the batch", async () => {
    const prefix = freshPrefix();
    const delivery = await createQueueAuditDelivery({ redisUrl: REDIS_URL, queuePrefix: prefix, logger });
    try {
      const result = await delivery.deliver([auditRecordForTest(), roleMismatchRecord()]);
      expect(result).toMatchObject({ outcome: "invalid", invalid: [{ index: 1 }] });
    } finally {
      await delivery.close();
    }
  });

  it("outage: Redis stops, the records wait in the outbox, and each is delivered once when Redis is back", { timeout: 30_000 }, async () => {
    const redis = await startPrivateRedis();
    const database = await openDatabase<AuditOutboxDatabase>({});
    await createAuditOutboxTable(database.db as Kysely<unknown>);
    const prefix = freshPrefix();
    const delivery = await createQueueAuditDelivery({ redisUrl: redis.url, queuePrefix: prefix, logger });
    const relay = createAuditRelay({ db: database.db, databaseKind: "pglite", delivery, logger, pollMs: 50, backoffMs: 100, maxBackoffMs: 400 });
    try {
      const first = auditRecordForTest();
      await appendAuditRecord(database.db, first);
      relay.notify();
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0, 5000);
      await redis.stop();
      const during = [auditRecordForTest(), auditRecordForTest(), auditRecordForTest()];
      for (const record of during) await appendAuditRecord(database.db, record);
      relay.notify();
      await sleep(1500);
      expect((await countAuditOutbox(database.db)).pending).toBe(3);
      await redis.start();
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0, 15_000);
      const consumer = await auditQueueConsumer(redis.url, prefix);
      try {
        await waitFor(() => consumer.stored.length >= 4, 10_000);
        await sleep(200);
        expect(consumer.stored.map((r) => r.eventId).sort()).toEqual([first, ...during].map((r) => r.eventId).sort());
      } finally {
        await consumer.close();
      }
    } finally {
      await relay.close();
      await delivery.close();
      await database.close();
      await redis.dispose();
    }
  });
});

describe("HTTP audit delivery", () => {
  it("posts {records} to the intake path: 200 delivered, 400 names the invalid indexes, 503 is unavailable", async () => {
    const intake = await startIntake();
    const delivery = createHttpAuditDelivery({ auditUrl: intake.url, logger });
    try {
      const record = auditRecordForTest();
      expect(await delivery.deliver([record])).toEqual({ outcome: "delivered" });
      expect(intake.stored.get(record.eventId)).toEqual(record);
      expect(await delivery.deliver([auditRecordForTest(), roleMismatchRecord()])).toEqual({ outcome: "invalid", invalid: [{ index: 1, reason: "role" }] });
      intake.down = true;
      expect(await delivery.deliver([auditRecordForTest()])).toEqual({ outcome: "unavailable", reason: "the audit intake answered 503" });
    } finally {
      await intake.app.close();
    }
    expect(await delivery.deliver([auditRecordForTest()])).toMatchObject({ outcome: "unavailable" });
  });

  it("refuses an audit URL that is not http(s) with AUDIT_DELIVERY_CONFIG_INVALID", () => {
    expect(() => createHttpAuditDelivery({ auditUrl: "ftp://audit", logger })).toThrow(expect.objectContaining({ code: "AUDIT_DELIVERY_CONFIG_INVALID" }));
    expect(() => createHttpAuditDelivery({ auditUrl: "not a url", logger })).toThrow(expect.objectContaining({ code: "AUDIT_DELIVERY_CONFIG_INVALID" }));
  });

  it("outage: the intake is cut, then restored; every record is delivered exactly once", { timeout: 20_000 }, async () => {
    const intake = await startIntake();
    const proxy = await startCuttableTcpProxy({ host: "127.0.0.1", port: intake.port });
    const database = await openDatabase<AuditOutboxDatabase>({});
    await createAuditOutboxTable(database.db as Kysely<unknown>);
    const delivery = createHttpAuditDelivery({ auditUrl: `http://${proxy.host}:${proxy.port}`, logger, timeoutMs: 1000 });
    const relay = createAuditRelay({ db: database.db, databaseKind: "pglite", delivery, logger, pollMs: 50, backoffMs: 100, maxBackoffMs: 400 });
    try {
      proxy.cut();
      const records = Array.from({ length: 5 }, () => auditRecordForTest());
      for (const record of records) await appendAuditRecord(database.db, record);
      relay.notify();
      await sleep(800);
      expect(intake.stored.size).toBe(0);
      expect((await countAuditOutbox(database.db)).pending).toBe(5);
      proxy.restore();
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0, 10_000);
      expect([...intake.stored.keys()].sort()).toEqual(records.map((r) => r.eventId).sort());
    } finally {
      await relay.close();
      await database.close();
      await proxy.close();
      await intake.app.close();
    }
  });
});

describe("createAuditDelivery", () => {
  it("chooses Redis first, else HTTP, else none", async () => {
    const queue = await createAuditDelivery({ redisUrl: REDIS_URL, auditUrl: "http://127.0.0.1:1", queuePrefix: freshPrefix(), logger });
    expect(queue?.kind).toBe("queue");
    await queue?.close();
    const http = await createAuditDelivery({ auditUrl: "http://127.0.0.1:1", logger });
    expect(http?.kind).toBe("http");
    expect(await createAuditDelivery({ logger })).toBeUndefined();
  });
});

describe("memory audit outbox", () => {
  it("retries with backoff until the intake is back, drops the refused, and drops the oldest past its bound", { timeout: 10_000 }, async () => {
    const intake = await startIntake();
    const delivery = createHttpAuditDelivery({ auditUrl: intake.url, logger });
    const outbox = createMemoryAuditOutbox({ delivery, logger, maxRecords: 3, backoffMs: 50, maxBackoffMs: 200 });
    try {
      expect(() => outbox.append(roleMismatchRecord())).toThrow(expect.objectContaining({ code: "AUDIT_RECORD_INVALID" }));
      intake.down = true;
      const records = Array.from({ length: 4 }, () => auditRecordForTest());
      for (const record of records) outbox.append(record);
      expect(outbox.size()).toBe(3);
      await sleep(300);
      expect(intake.stored.size).toBe(0);
      intake.down = false;
      await waitFor(() => outbox.size() === 0, 5000);
      expect([...intake.stored.keys()].sort()).toEqual(records.slice(1).map((r) => r.eventId).sort());
    } finally {
      await outbox.close();
      await intake.app.close();
    }
  });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(20);
  }
}
