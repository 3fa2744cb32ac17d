import { parseAuditRecord } from "@opendsp/atna";
import { AppError } from "@opendsp/platform";
import { sql, type Kysely } from "kysely";
import type { FetchAuditBatch, ForwardableAuditRecord } from "../syslog/index.js";
import type { AuditDatabase } from "./audit-database.js";

/** The cursor of a stored event: its seq, in decimal. */
const CURSOR = /^\d{1,19}$/;

/**
 * The audit events stored after `afterCursor`, in store order (seq, which is commit order: see
 * 2026-12-06T0400-audit-event-store-order), for the ITI-20 forwarder.
 */
export function fetchStoredAuditBatch(db: Kysely<AuditDatabase>): FetchAuditBatch {
  return async (afterCursor, limit) => {
    let query = db.selectFrom("audit_event").select(["record", sql<string>`seq::text`.as("seq")]);
    if (afterCursor !== undefined) {
      // The cursor is only ever one this function returned; anything else is a damaged forward_cursor row.
      if (!CURSOR.test(afterCursor)) throw new AppError("AUDIT_FORWARD_CURSOR_INVALID", `forward cursor "${afterCursor}" is not a stored-event position`);
      query = query.where(sql<boolean>`seq > ${afterCursor}::bigint`);
    }
    const rows = await query.orderBy("seq").limit(limit).execute();
    return rows.map((row): ForwardableAuditRecord => ({ cursor: row.seq, record: parseAuditRecord(row.record) }));
  };
}
