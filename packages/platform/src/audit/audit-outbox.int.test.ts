import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database.js";
import { createLogger } from "../logging/logger.js";
import type { AuditDelivery, AuditDeliveryResult } from "./audit-delivery.js";
import { appendAuditRecord, auditRecordInsert, countAuditOutbox } from "./audit-outbox.js";
import { createAuditOutboxTable, type AuditOutboxDatabase } from "./audit-outbox.table.js";
import { auditRecordForTest, roleMismatchRecord } from "./audit-record.testing.js";
import { AUDIT_RELAY_LINGER_MS, createAuditRelay } from "./audit-relay.js";
import { invalidAuditRecords } from "./invalid-audit-records.js";
import type { AuditRecord } from "@opendsp/atna";

const logger = createLogger({ service: "audit-outbox-test", level: "silent" });

/** A delivery of the test's own: it keeps what it was given and answers what the test sets. */
function recordingDelivery(): AuditDelivery & { received: AuditRecord[]; answer: (records: readonly AuditRecord[]) => AuditDeliveryResult } {
  const delivery = {
    kind: "http" as const,
    received: [] as AuditRecord[],
    answer: (_records: readonly AuditRecord[]): AuditDeliveryResult => ({ outcome: "delivered" }),
    deliver(records: readonly AuditRecord[]): Promise<AuditDeliveryResult> {
      const result = delivery.answer(records);
      if (result.outcome === "delivered") delivery.received.push(...records);
      return Promise.resolve(result);
    },
    close: () => Promise.resolve(),
  };
  return delivery;
}

async function freshOutbox(database: Database<AuditOutboxDatabase>): Promise<void> {
  await database.db.schema.dropTable("audit_outbox").ifExists().execute();
  await createAuditOutboxTable(database.db as Kysely<unknown>);
}

let pgTest: TestDatabase;
beforeAll(async () => {
  pgTest = await createPostgresTestDatabase("opendsp_audit_outbox");
});
afterAll(async () => {
  await pgTest.drop();
});

describe.each(["postgres", "pglite"] as const)("audit outbox and relay on %s", (kind) => {
  let database: Database<AuditOutboxDatabase>;
  beforeAll(async () => {
    database = await openDatabase<AuditOutboxDatabase>(kind === "postgres" ? { url: pgTest.url } : {});
  });
  afterAll(async () => {
    await database.close();
  });

  it("refuses an invalid record with AUDIT_RECORD_INVALID and writes nothing", async () => {
    await freshOutbox(database);
    await expect(appendAuditRecord(database.db, roleMismatchRecord())).rejects.toMatchObject({ code: "AUDIT_RECORD_INVALID" });
    expect(await countAuditOutbox(database.db)).toEqual({ pending: 0, heldAside: 0 });
  });

  it("writes the record in the caller's transaction: a rollback leaves no row", async () => {
    await freshOutbox(database);
    await database.db
      .transaction()
      .execute(async (tx) => {
        await auditRecordInsert(tx, auditRecordForTest()).execute();
        throw new Error("the change failed");
      })
      .catch(() => undefined);
    expect(await countAuditOutbox(database.db)).toEqual({ pending: 0, heldAside: 0 });
  });

  it("relays records in the order they were written and deletes them once delivered", async () => {
    await freshOutbox(database);
    const records = [auditRecordForTest(), auditRecordForTest({ outcome: "serious-failure" }), auditRecordForTest()];
    await database.db.transaction().execute(async (tx) => {
      for (const record of records) await appendAuditRecord(tx, record);
    });
    const delivery = recordingDelivery();
    const relay = createAuditRelay({ db: database.db, databaseKind: kind, delivery, logger, pollMs: 60_000, batchSize: 2 });
    try {
      await waitFor(() => delivery.received.length === 3);
      expect(delivery.received.map((r) => r.eventId)).toEqual(records.map((r) => r.eventId));
      expect(delivery.received[1]).toEqual(records[1]);
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0);
    } finally {
      await relay.close();
    }
  });

  it("sets aside a row that is not JSON unsent, and a row that is no audit record once the delivery's check names it", async () => {
    await freshOutbox(database);
    const good = auditRecordForTest();
    const garbled = auditRecordForTest();
    const notARecord = { ...auditRecordForTest(), outcome: "fine" };
    await appendAuditRecord(database.db, good);
    // Rows damaged after they were written: the relay does not check them again, the delivery does.
    await database.db.insertInto("audit_outbox").values({ event_id: garbled.eventId, record: "{not json" }).execute();
    await database.db.insertInto("audit_outbox").values({ event_id: notARecord.eventId, record: JSON.stringify(notARecord) }).execute();
    const delivery = recordingDelivery();
    const offered: string[] = [];
    delivery.answer = (batch) => {
      offered.push(...batch.map((r) => r.eventId));
      const invalid = invalidAuditRecords(batch);
      return invalid.length > 0 ? { outcome: "invalid", invalid } : { outcome: "delivered" };
    };
    const relay = createAuditRelay({ db: database.db, databaseKind: kind, delivery, logger, pollMs: 60_000 });
    try {
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0);
      expect(delivery.received.map((r) => r.eventId)).toEqual([good.eventId]);
      expect(offered).not.toContain(garbled.eventId);
      expect(await countAuditOutbox(database.db)).toEqual({ pending: 0, heldAside: 2 });
    } finally {
      await relay.close();
    }
  });

  it("sets records refused as invalid aside and sends the rest", async () => {
    await freshOutbox(database);
    const records = [auditRecordForTest(), auditRecordForTest(), auditRecordForTest()];
    for (const record of records) await appendAuditRecord(database.db, record);
    const delivery = recordingDelivery();
    const refused = records[1]?.eventId;
    delivery.answer = (batch) =>
      batch.some((r) => r.eventId === refused)
        ? { outcome: "invalid", invalid: [{ index: batch.findIndex((r) => r.eventId === refused), reason: "/requestor/id too long" }] }
        : { outcome: "delivered" };
    const relay = createAuditRelay({ db: database.db, databaseKind: kind, delivery, logger, pollMs: 60_000 });
    try {
      await waitFor(() => delivery.received.length === 2);
      expect(delivery.received.map((r) => r.eventId)).toEqual([records[0]?.eventId, records[2]?.eventId]);
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0);
      expect(await countAuditOutbox(database.db)).toEqual({ pending: 0, heldAside: 1 });
      const aside = await database.db.selectFrom("audit_outbox").select(["event_id", "last_error"]).executeTakeFirstOrThrow();
      expect(aside).toEqual({ event_id: refused, last_error: "/requestor/id too long" });
    } finally {
      await relay.close();
    }
  });

  it("keeps the records while the delivery is unavailable, backs off, and delivers each once when it is back", async () => {
    await freshOutbox(database);
    const delivery = recordingDelivery();
    let calls = 0;
    let up = false;
    delivery.answer = () => {
      calls++;
      return up ? { outcome: "delivered" } : { outcome: "unavailable", reason: "the audit intake answered 503" };
    };
    const relay = createAuditRelay({ db: database.db, databaseKind: kind, delivery, logger, pollMs: 20, backoffMs: 40, maxBackoffMs: 160 });
    try {
      const records = [auditRecordForTest(), auditRecordForTest()];
      for (const record of records) await appendAuditRecord(database.db, record);
      relay.notify();
      await waitFor(() => calls >= 3);
      const rows = await database.db.selectFrom("audit_outbox").select(["attempts", "last_error"]).execute();
      expect(rows).toHaveLength(2);
      expect(rows[0]?.attempts).toBeGreaterThanOrEqual(1);
      expect(rows[0]?.last_error).toBe("the audit intake answered 503");
      // Doubling backoff, bounded: far fewer calls than one per 20 ms poll.
      const before = calls;
      await sleep(400);
      expect(calls - before).toBeLessThanOrEqual(5);
      up = true;
      await waitFor(() => delivery.received.length === 2, 3000);
      expect(delivery.received.map((r) => r.eventId).sort()).toEqual(records.map((r) => r.eventId).sort());
      // The rows go with the commit that follows the delivery.
      await waitFor(async () => (await countAuditOutbox(database.db)).pending === 0);
    } finally {
      await relay.close();
    }
  });

  it("is woken by notify() long before its poll", async () => {
    await freshOutbox(database);
    const delivery = recordingDelivery();
    const relay = createAuditRelay({ db: database.db, databaseKind: kind, delivery, logger, pollMs: 60_000 });
    try {
      await sleep(50);
      await appendAuditRecord(database.db, auditRecordForTest());
      relay.notify();
      await waitFor(() => delivery.received.length === 1, 1000);
    } finally {
      await relay.close();
    }
  });
});

describe("audit relay batching on PostgreSQL", () => {
  it("lets records committed during a pass wait the linger for the next pass, rather than running passes back to back", async () => {
    const database = await openDatabase<AuditOutboxDatabase>({ url: pgTest.url });
    await freshOutbox(database);
    let started = 0;
    const calls: { start: number; end: number; records: number }[] = [];
    const slow: AuditDelivery = {
      kind: "queue",
      async deliver(records) {
        started++;
        const start = performance.now();
        await sleep(150);
        calls.push({ start, end: performance.now(), records: records.length });
        return { outcome: "delivered" };
      },
      close: () => Promise.resolve(),
    };
    const relay = createAuditRelay({ db: database.db, databaseKind: "postgres", delivery: slow, logger, pollMs: 60_000 });
    try {
      await appendAuditRecord(database.db, auditRecordForTest());
      relay.notify();
      await waitFor(() => started === 1, 5000);
      // Committed while the first pass delivers.
      await appendAuditRecord(database.db, auditRecordForTest());
      relay.notify();
      await waitFor(() => calls.length === 2, 5000);
      const [first, second] = calls;
      expect([first?.records, second?.records]).toEqual([1, 1]);
      // Timers may fire a few milliseconds early.
      expect((second?.start ?? 0) - (first?.end ?? 0)).toBeGreaterThanOrEqual(AUDIT_RELAY_LINGER_MS - 20);
    } finally {
      await relay.close();
      await database.close();
    }
  });
});

describe("audit relay replicas on PostgreSQL", () => {
  it("two relays on one outbox send every record once (FOR UPDATE SKIP LOCKED)", async () => {
    const a = await openDatabase<AuditOutboxDatabase>({ url: pgTest.url });
    const b = await openDatabase<AuditOutboxDatabase>({ url: pgTest.url });
    try {
      await freshOutbox(a);
      const records = Array.from({ length: 60 }, () => auditRecordForTest());
      for (const record of records) await appendAuditRecord(a.db, record);
      const delivered: string[] = [];
      // Slow deliveries, so both relays run at once.
      const slow = (): AuditDelivery => ({
        kind: "http",
        async deliver(batch) {
          await sleep(30);
          delivered.push(...batch.map((r) => r.eventId));
          return { outcome: "delivered" };
        },
        close: () => Promise.resolve(),
      });
      const relays = [createAuditRelay({ db: a.db, delivery: slow(), logger, batchSize: 5, pollMs: 10 }), createAuditRelay({ db: b.db, delivery: slow(), logger, batchSize: 5, pollMs: 10 })];
      await waitFor(() => delivered.length >= 60, 5000);
      await Promise.all(relays.map((r) => r.close()));
      expect(delivered.slice().sort()).toEqual(records.map((r) => r.eventId).sort());
    } finally {
      await a.close();
      await b.close();
    }
  });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(10);
  }
}
