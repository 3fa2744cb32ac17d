import { migrateToLatest, openDatabase, type MigrationSet } from "@opendsp/platform";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { REGISTRY_MIGRATIONS } from "../migrations/index.js";

describe("migration 2026-12-06T0500-audit-record-outbox", () => {
  it("keeps the former audit rows in audit_outbox_legacy and creates the AuditRecord outbox", async () => {
    const database = await openDatabase<unknown>({});
    try {
      const before: MigrationSet = Object.fromEntries(Object.entries(REGISTRY_MIGRATIONS).filter(([name]) => name < "2026-12-06T0500"));
      await migrateToLatest(database.db, before);
      await sql`INSERT INTO audit_outbox (event_id, transaction, outcome, actor, detail)
        VALUES ('6f1c2a4e-1d2b-4c3d-8e9f-0a1b2c3d4e5f', 'ITI-42', 'success', '{}', '{}')`.execute(database.db);
      await migrateToLatest(database.db, REGISTRY_MIGRATIONS);
      const legacy = await sql<{ event_id: string }>`SELECT event_id FROM audit_outbox_legacy`.execute(database.db);
      expect(legacy.rows).toEqual([{ event_id: "6f1c2a4e-1d2b-4c3d-8e9f-0a1b2c3d4e5f" }]);
      const outbox = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_outbox WHERE NOT held_aside`.execute(database.db);
      expect(outbox.rows).toEqual([{ n: 0 }]);
    } finally {
      await database.close();
    }
  });
});
