import type { Kysely } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { searchAuditEvents, type AuditEventFilter, type PageStart, type StoredEventRow } from "../storage/audit-event.query.js";
import { encodeCursor, decodeCursor } from "./page-cursor.js";

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly offset?: number | undefined;
}

export interface EventPage {
  readonly records: readonly unknown[];
  readonly total: number;
  /** The cursor of the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** One page of matching stored records, newest first, with the total and the next page's cursor. */
export async function searchAuditRecords(db: Kysely<AuditDatabase>, filter: AuditEventFilter, page: PageRequest): Promise<EventPage> {
  const start: PageStart = page.cursor !== undefined ? { after: decodeCursor(page.cursor) } : { offset: page.offset ?? 0 };
  const { rows, total } = await searchAuditEvents(db, filter, start, page.limit + 1);
  const shown: StoredEventRow[] = rows.slice(0, page.limit);
  const last = shown.at(-1);
  const more = rows.length > page.limit && last !== undefined;
  return {
    records: shown.map((r) => r.record),
    total,
    ...(more ? { nextCursor: encodeCursor({ occurredAt: last.occurred_at, eventId: last.event_id }) } : {}),
  };
}
