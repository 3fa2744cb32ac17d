import { openDatabase } from "@opendsp/platform";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { storeAuditRecords } from "../domain/audit-store.service.js";
import { eventually, sampleAuditRecord } from "../syslog/syslog.testing.js";
import { DATABASE_KINDS, openTestAuditDatabase } from "../testing/audit-harness.js";
import type { AuditDatabase } from "./audit-database.js";
import { claimEventIds, insertEvents } from "./audit-event.repository.js";
import { ensureMonthlyPartitions } from "./audit-partitions.js";
import { fetchStoredAuditBatch } from "./audit-event-store-order.query.js";

const NOW = new Date("2026-12-06T02:00:00Z");
const patientsOf = (batch: readonly { record: { patientIds: readonly string[] } }[]): string[] => batch.map((b) => b.record.patientIds[0] ?? "");

describe.each(DATABASE_KINDS)("the store order of audit_event for the ITI-20 forwarder (%s)", (kind) => {
  it("reads the records in the order they were stored, across partitions, after a cursor", async () => {
    const { database, testDb } = await openTestAuditDatabase(kind);
    try {
      const db = database.db;
      await ensureMonthlyPartitions(db, NOW, 1);
      const occurred = ["2026-12-05T10:00:00Z", "2025-01-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-06-01T00:00:00Z"];
      for (const [i, occurredAt] of occurred.entries()) await storeAuditRecords(db, [sampleAuditRecord(i + 1, { occurredAt })], NOW);
      const fetchBatch = fetchStoredAuditBatch(db);
      const first = await fetchBatch(undefined, 3);
      expect(patientsOf(first)).toEqual(["1001", "1002", "1003"].map((id) => `${id}^^^&1.2.250.1.213.1.4.8&ISO`));
      const rest = await fetchBatch(first.at(-1)?.cursor, 3);
      expect(patientsOf(rest)).toEqual(["1004^^^&1.2.250.1.213.1.4.8&ISO"]);
      expect(await fetchBatch(rest.at(-1)?.cursor, 3)).toEqual([]);
      await expect(fetchBatch("not-a-cursor", 3)).rejects.toMatchObject({ code: "AUDIT_FORWARD_CURSOR_INVALID" });
    } finally {
      await database.close();
      await testDb?.drop();
    }
  });
});

describe("the store order of audit_event under concurrent writers (postgres)", () => {
  it("a record stored while an earlier writer is still open commits after it, so a cursor read in between skips neither", async () => {
    const { database, testDb } = await openTestAuditDatabase("postgres");
    if (testDb === undefined) throw new Error("a PostgreSQL test database was expected");
    const other = await openDatabase<AuditDatabase>({ url: testDb.url });
    try {
      const db = database.db;
      const fetchBatch = fetchStoredAuditBatch(db);
      await storeAuditRecords(db, [sampleAuditRecord(1)], NOW);
      let releaseSlow: () => void = () => undefined;
      const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
      let slowWrote: () => void = () => undefined;
      const slowWritten = new Promise<void>((resolve) => (slowWrote = resolve));
      // The slow writer has its seq and holds its transaction open; a fast one tries to store meanwhile.
      const slow = other.db.transaction().execute(async (trx) => {
        const record = sampleAuditRecord(2);
        await claimEventIds(trx, [record]);
        await insertEvents(trx, [record], NOW);
        slowWrote();
        await slowHeld;
      });
      await slowWritten;
      const fast = storeAuditRecords(db, [sampleAuditRecord(3)], NOW);
      // Read only once the fast writer waits on the store-order lock (without it, it would have committed by now).
      await eventually(async () => {
        const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(db);
        return (waiting.rows[0]?.n ?? 0) > 0 ? true : undefined;
      });
      const seen = await fetchBatch(undefined, 10);
      expect(patientsOf(seen)).toEqual(["1001^^^&1.2.250.1.213.1.4.8&ISO"]);
      releaseSlow();
      await slow;
      await fast;
      const after = await fetchBatch(seen.at(-1)?.cursor, 10);
      expect(patientsOf(after)).toEqual(["1002^^^&1.2.250.1.213.1.4.8&ISO", "1003^^^&1.2.250.1.213.1.4.8&ISO"]);
    } finally {
      await other.close();
      await database.close();
      await testDb.drop();
    }
  });
});
