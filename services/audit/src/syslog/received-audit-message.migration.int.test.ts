import { formatSyslogMessage, toDicomAuditMessage } from "@opendsp/atna";
import { migrateToLatest, openDatabase } from "@opendsp/platform";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { receivedAuditMessageMigration } from "./2026-12-06T0300-received-audit-message.js";
import { readForwardCursor, saveForwardCursor } from "./forward-cursor.repository.js";
import { insertReceivedAuditMessages } from "./received-audit-message.repository.js";
import type { SyslogTables } from "./received-audit-message.table.js";
import { decodeReceivedMessage, malformedMessage } from "./received-message.decoder.js";
import { sampleAuditRecord } from "./syslog.testing.js";

const FROM = { transport: "udp" as const, peerAddress: "10.0.0.9", receivedAt: new Date("2026-12-06T03:00:00Z") };
const MIGRATIONS = { "2026-12-06T0300-received-audit-message": receivedAuditMessageMigration };

describe("the received-audit-message migration on the embedded database", () => {
  it("creates tables that take read and malformed messages and the forward cursor, and drops them again", async () => {
    const database = await openDatabase<SyslogTables>({});
    const db = database.db;
    try {
      await migrateToLatest(db as never, MIGRATIONS);
      const message = formatSyslogMessage({ severity: 5, timestamp: new Date(), msgId: "IHE+RFC-3881", message: toDicomAuditMessage(sampleAuditRecord(1)) });
      await insertReceivedAuditMessages(db, [decodeReceivedMessage(message, FROM, 65_536), malformedMessage(Buffer.from([0xff]), FROM, "ATNA_SYSLOG_MALFORMED", 100)]);
      const rows = await db.selectFrom("received_audit_message").select(["malformed", "error_code", "patient_ids", "raw_encoding"]).orderBy("id").execute();
      expect(rows).toEqual([
        { malformed: false, error_code: null, patient_ids: ["1001^^^&1.2.250.1.213.1.4.8&ISO"], raw_encoding: "utf8" },
        { malformed: true, error_code: "ATNA_SYSLOG_MALFORMED", patient_ids: [], raw_encoding: "base64" },
      ]);
      // A malformed row always says why.
      await expect(insertReceivedAuditMessages(db, [{ ...malformedMessage(Buffer.from("x"), FROM, "ATNA_SYSLOG_MALFORMED", 100), error_code: null }])).rejects.toThrow();

      expect(await readForwardCursor(db, "syslog-forward")).toBeUndefined();
      await saveForwardCursor(db, "syslog-forward", "00000005", 5, new Date());
      await saveForwardCursor(db, "syslog-forward", "00000007", 2, new Date());
      expect(await readForwardCursor(db, "syslog-forward")).toBe("00000007");
      expect(Number((await db.selectFrom("forward_cursor").select("forwarded_count").executeTakeFirstOrThrow()).forwarded_count)).toBe(7);

      await receivedAuditMessageMigration.down?.(db as never);
      const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('received_audit_message', 'forward_cursor')`.execute(db);
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      await database.close();
    }
  });
});
