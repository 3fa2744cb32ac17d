import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import { openDatabase, type AuditOutboxDatabase, type Database } from "@opendsp/platform";

/** The audit outbox of a service behind the gateway, read straight from its database: what it recorded since a mark. */
export interface UpstreamAuditOutbox {
  /** Remembers where the outbox ends now; since() then reads only what came after. */
  mark(): Promise<void>;
  since(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export async function openUpstreamAuditOutbox(databaseUrl: string): Promise<UpstreamAuditOutbox> {
  const database: Database<AuditOutboxDatabase> = await openDatabase<AuditOutboxDatabase>({ url: databaseUrl, maxConnections: 2 });
  let last = "0";
  return {
    async mark() {
      const row = await database.db.selectFrom("audit_outbox").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
      last = row?.seq === null || row?.seq === undefined ? "0" : String(row.seq);
    },
    async since() {
      const rows = await database.db.selectFrom("audit_outbox").select("record").where("seq", ">", last).orderBy("seq").execute();
      return rows.map((r) => parseAuditRecord(JSON.parse(r.record)));
    },
    close: () => database.close(),
  };
}
