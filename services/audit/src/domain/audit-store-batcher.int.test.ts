import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@opendsp/platform";
import type { TestDatabase } from "@opendsp/testing";
import { sql } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { auditRecord } from "../testing/audit-record.builder.js";
import { DATABASE_KINDS, openTestAuditDatabase } from "../testing/audit-harness.js";
import { createAuditStoreBatcher } from "./audit-store-batcher.js";
import { storeAuditRecords } from "./audit-store.service.js";

describe.each(DATABASE_KINDS)("the audit store batcher on %s", (kind) => {
  let database: Database<AuditDatabase>;
  let testDb: TestDatabase | undefined;
  // Each transaction takes the next second as its stored_at: records of one commit share it.
  let commits = 0;
  const now = (): Date => new Date(Date.UTC(2026, 11, 6, 2, 0, commits++));
  beforeAll(async () => {
    ({ database, testDb } = await openTestAuditDatabase(kind));
  });
  afterAll(async () => {
    await database.close();
    await testDb?.drop();
  });

  const storedAt = async (eventIds: readonly string[]): Promise<string[]> =>
    (await database.db.selectFrom("audit_event").select("stored_at").where("event_id", "in", eventIds).execute()).map((r) => r.stored_at.toISOString());

  it("stores the records of concurrent callers in one transaction, each caller answered once it is committed", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now });
    const records = Array.from({ length: 20 }, () => auditRecord());
    expect(await Promise.all(records.map((r) => batcher.store(r)))).toEqual(records.map(() => true));
    expect(new Set(await storedAt(records.map((r) => r.eventId))).size).toBe(1);
  });

  it("stores records arriving during a commit in the next one, and stores a lone record at once", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now, lingerMs: 1 });
    const first = auditRecord();
    const pending = batcher.store(first);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = Array.from({ length: 5 }, () => auditRecord());
    expect(await Promise.all([pending, ...later.map((r) => batcher.store(r))])).toEqual([true, true, true, true, true, true]);
    const times = await storedAt([first, ...later].map((r) => r.eventId));
    expect(times).toHaveLength(6);
    expect(new Set(times).size).toBe(2);
  });

  it("answers false for a record stored before and for the second of one event id in the same batch", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now });
    const before = auditRecord();
    await storeAuditRecords(database.db, [before], now());
    const twice = auditRecord();
    const fresh = auditRecord();
    expect(await Promise.all([batcher.store(before), batcher.store(twice), batcher.store(fresh), batcher.store(twice)])).toEqual([false, true, true, false]);
    expect(await storedAt([before.eventId, twice.eventId, fresh.eventId])).toHaveLength(3);
  });

  it("fails only the caller whose record the database refuses; the rest of its batch is stored", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now, maxBatch: 50 });
    // A trigger refuses this record's row, hence the whole first transaction.
    const refused = auditRecord();
    await sql.raw(`CREATE FUNCTION refuse_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit event refused'; END $$`).execute(database.db);
    await sql
      .raw(`CREATE TRIGGER refuse_audit_event BEFORE INSERT ON audit_event FOR EACH ROW WHEN (NEW.event_id = '${refused.eventId.toLowerCase()}') EXECUTE FUNCTION refuse_audit_event()`)
      .execute(database.db);
    const good = Array.from({ length: 4 }, () => auditRecord());
    const [first, ...rest] = good;
    if (!first) throw new Error("no record");
    const outcomes = await Promise.allSettled([first, refused, ...rest].map((r) => batcher.store(r)));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: "AUDIT_STORE_UNAVAILABLE" });
    expect(await storedAt(good.map((r) => r.eventId))).toHaveLength(4);
    expect(await storedAt([refused.eventId])).toEqual([]);
    // The batcher goes on after a failed batch.
    const next = auditRecord();
    expect(await batcher.store(next)).toBe(true);
  });

  it("stores at once, without lingering, when every caller that can wait is waiting", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now, lingerMs: 60_000, callersAtMost: 3 });
    const records = Array.from({ length: 3 }, () => auditRecord());
    const started = performance.now();
    expect(await Promise.all(records.map((r) => batcher.store(r)))).toEqual([true, true, true]);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(new Set(await storedAt(records.map((r) => r.eventId))).size).toBe(1);
  });

  it("lingers for more records while fewer than callersAtMost wait", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now, lingerMs: 300, callersAtMost: 3 });
    const records = Array.from({ length: 2 }, () => auditRecord());
    const started = performance.now();
    expect(await Promise.all(records.map((r) => batcher.store(r)))).toEqual([true, true]);
    // Timers may fire a millisecond early.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("splits a backlog into transactions of at most maxBatch records", async () => {
    const batcher = createAuditStoreBatcher({ db: database.db, now, maxBatch: 4 });
    const records = Array.from({ length: 10 }, () => auditRecord());
    await Promise.all(records.map((r) => batcher.store(r)));
    const counts = new Map<string, number>();
    for (const t of await storedAt(records.map((r) => r.eventId))) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([2, 4, 4]);
  });
});
