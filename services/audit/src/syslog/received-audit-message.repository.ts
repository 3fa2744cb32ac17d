import type { Kysely } from "kysely";
import type { ReceivedAuditMessageRow } from "./received-message.decoder.js";
import type { SyslogTables } from "./received-audit-message.table.js";

/** Stores received messages in one statement (one round trip for a batch). */
export async function insertReceivedAuditMessages(db: Kysely<SyslogTables>, rows: readonly ReceivedAuditMessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto("received_audit_message").values([...rows]).execute();
}
