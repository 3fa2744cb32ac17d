import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_DELIVERY } from "@opendsp/atna";
import { encodeActorHeader, openDatabase, removeJobQueueData } from "@opendsp/platform";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAuditConfig } from "./config.js";
import { startAuditServer } from "./server.js";
import { auditRecord, TEST_PATIENT } from "./testing/audit-record.builder.js";
import { holdPort } from "@opendsp/testing";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

describe("startAuditServer", () => {
  let dataDir = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "opendsp-audit-start-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves on the embedded database, keeps records across a restart, and a failed start leaves nothing open", async () => {
    const env = { AUDIT_DATA_DIR: dataDir, AUDIT_PORT: "0", LOG_LEVEL: "silent" };
    const record = auditRecord();
    const history = `/api/audit/patients/${encodeURIComponent(TEST_PATIENT)}/accesses`;
    const patient = { "x-opendsp-actor": encodeActorHeader({ kind: "patient", id: TEST_PATIENT }) };

    const first = await startAuditServer(loadAuditConfig(env), { now: () => new Date("2026-12-06T02:00:00Z") });
    expect(await (await fetch(`${first.address}/health`)).json()).toEqual({ status: "ok", database: "ok" });
    const posted = await fetch(`${first.address}${AUDIT_DELIVERY.intakePath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [record] }) });
    expect(await posted.json()).toEqual({ stored: 1, duplicates: 0 });
    await first.close();

    // The partitions of this month and the three after it were created at start.
    const database = await openDatabase({ dataDir });
    try {
      const partitions = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_event'::regclass ORDER BY 1`.execute(database.db);
      expect(partitions.rows.map((r) => r.name)).toEqual(["audit_event_default", "audit_event_y2026m12", "audit_event_y2027m01", "audit_event_y2027m02", "audit_event_y2027m03"]);
    } finally {
      await database.close();
    }

    const taken = await holdPort();
    try {
      await expect(startAuditServer(loadAuditConfig({ ...env, AUDIT_PORT: String(taken.port) }))).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    }

    const second = await startAuditServer(loadAuditConfig(env));
    try {
      const res = await fetch(`${second.address}${history}`, { headers: patient });
      expect(await res.json()).toMatchObject({ total: 1, items: [{ eventId: record.eventId }] });
    } finally {
      await second.close();
    }
  });

  it("refuses to start when MIGRATE_ON_START is false and the schema is missing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "opendsp-audit-empty-"));
    try {
      await expect(startAuditServer(loadAuditConfig({ AUDIT_DATA_DIR: empty, AUDIT_PORT: "0", LOG_LEVEL: "silent", MIGRATE_ON_START: "false" }))).rejects.toMatchObject({
        code: "AUDIT_SCHEMA_NOT_MIGRATED",
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("starts its delivery consumer on Redis when REDIS_URL is set, and fails its start on a Redis it cannot reach", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opendsp-audit-redis-"));
    const prefix = `opendsp-test:audit-${randomBytes(4).toString("hex")}`;
    try {
      const server = await startAuditServer(loadAuditConfig({ AUDIT_DATA_DIR: dir, AUDIT_PORT: "0", LOG_LEVEL: "silent", REDIS_URL, AUDIT_QUEUE_PREFIX: prefix }));
      expect((await fetch(`${server.address}/health`)).status).toBe(200);
      await server.close();
      await expect(
        startAuditServer(loadAuditConfig({ AUDIT_DATA_DIR: dir, AUDIT_PORT: "0", LOG_LEVEL: "silent", REDIS_URL: "redis://127.0.0.1:1", AUDIT_QUEUE_PREFIX: prefix })),
      ).rejects.toMatchObject({ code: "JOB_QUEUE_UNAVAILABLE" });
      // The failed start closed the embedded database: it opens again.
      const again = await startAuditServer(loadAuditConfig({ AUDIT_DATA_DIR: dir, AUDIT_PORT: "0", LOG_LEVEL: "silent" }));
      await again.close();
    } finally {
      await removeJobQueueData(REDIS_URL, prefix);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
