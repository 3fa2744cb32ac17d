import { sql, type Kysely } from "kysely";
import type { SyslogTables } from "./received-audit-message.table.js";

/** Where forwarding stopped: the position of the last record sent, undefined before the first. */
export async function readForwardCursor(db: Kysely<SyslogTables>, name: string): Promise<string | undefined> {
  const row = await db.selectFrom("forward_cursor").select("position").where("name", "=", name).executeTakeFirst();
  return row?.position;
}

export async function saveForwardCursor(db: Kysely<SyslogTables>, name: string, position: string, sent: number, at: Date): Promise<void> {
  await db
    .insertInto("forward_cursor")
    .values({ name, position, forwarded_count: sent, updated_at: at })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({
        position,
        forwarded_count: sql<number>`forward_cursor.forwarded_count + ${sent}`,
        updated_at: at,
      }),
    )
    .execute();
}
