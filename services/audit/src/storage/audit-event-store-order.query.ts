import { parseAuditRecord } from "@opendsp/atna";
import { AppError } from "@opendsp/platform";
import { sql, type Kysely } from "kysely";
import type { FetchAuditBatch, ForwardableAuditRecord } from "../syslog/index.js";
import type { AuditDatabase } from "./audit-database.js";

/** The cursor of a stored event: "<stored_xid>.<seq>", both decimal. */
const CURSOR = /^(\d{1,20})\.(\d{1,19})$/;

/**
 * The audit events stored after `afterCursor`, in store order, for the ITI-20 forwarder. Only rows of transactions
 * older than every one still running are read (2026-12-06T0400-audit-event-store-order says why), so a later call
 * never finds a row before a cursor it returned.
 */
export function fetchStoredAuditBatch(db: Kysely<AuditDatabase>): FetchAuditBatch {
  return async (afterCursor, limit) => {
    let query = db
      .selectFrom("audit_event")
      .select(["record", sql<string>`stored_xid::text`.as("xid"), sql<string>`seq::text`.as("seq")])
      .where(sql<boolean>`stored_xid < pg_snapshot_xmin(pg_current_snapshot())`);
    if (afterCursor !== undefined) {
      const match = CURSOR.exec(afterCursor);
      // The cursor is only ever one this function returned; anything else is a damaged forward_cursor row.
      if (match === null) throw new AppError("AUDIT_FORWARD_CURSOR_INVALID", `forward cursor "${afterCursor}" is not a stored-event position`);
      query = query.where(sql<boolean>`(stored_xid, seq) > (${match[1]}::xid8, ${match[2]}::bigint)`);
    }
    const rows = await query.orderBy("stored_xid").orderBy("seq").limit(limit).execute();
    return rows.map((row): ForwardableAuditRecord => ({ cursor: `${row.xid}.${row.seq}`, record: parseAuditRecord(row.record) }));
  };
}
