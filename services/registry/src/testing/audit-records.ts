import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import type { Kysely } from "kysely";
import type { RegistryDatabase } from "../storage/registry-database.js";

/** The audit records in the outbox, in the order they were written, each checked against the shared schema. */
export async function auditRecordsIn(db: Kysely<RegistryDatabase>): Promise<AuditRecord[]> {
  const rows = await db.selectFrom("audit_outbox").select("record").orderBy("seq").execute();
  return rows.map((row) => parseAuditRecord(JSON.parse(row.record)));
}
