import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@opendsp/platform";
import type { TestDatabase } from "@opendsp/testing";
import type { AuditDatabase } from "../storage/audit-database.js";
import { ensureMonthlyPartitions } from "../storage/audit-partitions.js";
import { auditRecord, OTHER_PATIENT, TEST_PATIENT } from "../testing/audit-record.builder.js";
import { DATABASE_KINDS, openTestAuditDatabase } from "../testing/audit-harness.js";
import { storeAuditRecords } from "./audit-store.service.js";

const NOW = new Date("2026-12-06T02:00:00Z");

describe.each(DATABASE_KINDS)("audit store on %s", (kind) => {
  let database: Database<AuditDatabase>;
  let testDb: TestDatabase | undefined;
  beforeAll(async () => {
    ({ database, testDb } = await openTestAuditDatabase(kind));
    await ensureMonthlyPartitions(database.db, NOW, 3);
  });
  afterAll(async () => {
    await database.close();
    await testDb?.drop();
  });

  const placeOf = async (eventId: string): Promise<string | undefined> =>
    (await sql<{ place: string }>`SELECT tableoid::regclass::text AS place FROM audit_event WHERE event_id = ${eventId}::uuid`.execute(database.db)).rows[0]?.place;

  it("stores a record once: a second store of the same eventId is a duplicate and writes nothing", async () => {
    const record = auditRecord({ patientIds: [TEST_PATIENT, OTHER_PATIENT] });
    expect(await storeAuditRecords(database.db, [record], NOW)).toEqual({ stored: 1, duplicates: 0 });
    expect(await storeAuditRecords(database.db, [record, { ...record, outcome: "major-failure" }], NOW)).toEqual({ stored: 0, duplicates: 2 });
    const rows = await database.db.selectFrom("audit_event").select(["outcome", "requestor_id", "grant_basis"]).where("event_id", "=", record.eventId).execute();
    expect(rows).toEqual([{ outcome: "success", requestor_id: "10001234567", grant_basis: "trust-circle" }]);
    const patients = await database.db.selectFrom("audit_event_patient").select("patient_id").where("event_id", "=", record.eventId).orderBy("patient_id").execute();
    expect(patients.map((p) => p.patient_id)).toEqual([TEST_PATIENT, OTHER_PATIENT].sort());
  });

  it("counts a record given twice in one batch once", async () => {
    const record = auditRecord();
    expect(await storeAuditRecords(database.db, [record, record], NOW)).toEqual({ stored: 1, duplicates: 1 });
  });

  it("stores a record delivered to several stores at once exactly once", async () => {
    const record = auditRecord();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => storeAuditRecords(database.db, [record], NOW)));
    expect(outcomes.reduce((n, o) => n + o.stored, 0)).toBe(1);
    expect(outcomes.reduce((n, o) => n + o.duplicates, 0)).toBe(4);
  });

  it("places events in their month's partition, and outside the created months in the DEFAULT partition", async () => {
    const december = auditRecord({ occurredAt: "2026-12-31T23:30:00-01:00" });
    const later = auditRecord({ occurredAt: "2099-01-15T10:00:00Z" });
    await storeAuditRecords(database.db, [december, later], NOW);
    expect(await placeOf(december.eventId)).toBe("audit_event_y2027m01");
    expect(await placeOf(later.eventId)).toBe("audit_event_default");
    const march = auditRecord({ occurredAt: "2027-03-01T00:00:00Z" });
    await storeAuditRecords(database.db, [march], NOW);
    expect(await placeOf(march.eventId)).toBe("audit_event_y2027m03");
  });

  it("creates partitions idempotently and skips a month whose rows already sit in DEFAULT", async () => {
    expect(await ensureMonthlyPartitions(database.db, NOW, 3)).toEqual({ created: [], skipped: [] });
    const april = auditRecord({ occurredAt: "2027-04-10T08:00:00Z" });
    await storeAuditRecords(database.db, [april], NOW);
    expect(await placeOf(april.eventId)).toBe("audit_event_default");
    expect(await ensureMonthlyPartitions(database.db, NOW, 5)).toEqual({ created: ["audit_event_y2027m05"], skipped: ["audit_event_y2027m04"] });
    const duplicate = await storeAuditRecords(database.db, [april], NOW);
    expect(duplicate).toEqual({ stored: 0, duplicates: 1 });
  });
});
