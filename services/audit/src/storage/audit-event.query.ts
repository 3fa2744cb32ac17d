import { sql, type Kysely, type SelectQueryBuilder } from "kysely";
import type { AuditDatabase } from "./audit-database.js";

/** Filters of an audit event search; every one runs in SQL on indexed or partition-pruned columns. */
export interface AuditEventFilter {
  /** Only events about this patient (CX); absent: every event (auditors). */
  readonly patientId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Bounds excluded rather than included (FHIR gt / lt). */
  readonly fromExclusive?: boolean;
  readonly toExclusive?: boolean;
  readonly transactions?: readonly string[] | undefined;
  readonly outcomes?: readonly string[] | undefined;
  readonly emergency?: boolean | undefined;
}

/** Where a page starts: after this event in newest-first order, or after skipping `offset` events. */
export type PageStart = { readonly after: { readonly occurredAt: Date; readonly eventId: string } } | { readonly offset: number };

export interface StoredEventRow {
  readonly event_id: string;
  readonly occurred_at: Date;
  readonly record: unknown;
}

type Db = Kysely<AuditDatabase>;
type EventQuery = SelectQueryBuilder<AuditDatabase & { e: AuditDatabase["audit_event"] }, "e", object>;

function filtered(db: Db, filter: AuditEventFilter): EventQuery {
  let q = db.selectFrom("audit_event as e") as unknown as EventQuery;
  if (filter.patientId !== undefined) {
    const patientId = filter.patientId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("audit_event_patient as p")
          .select(sql.lit(1).as("one"))
          .whereRef("p.event_id", "=", "e.event_id")
          .where("p.patient_id", "=", patientId),
      ),
    );
  }
  if (filter.from !== undefined) q = q.where("e.occurred_at", filter.fromExclusive === true ? ">" : ">=", filter.from);
  if (filter.to !== undefined) q = q.where("e.occurred_at", filter.toExclusive === true ? "<" : "<=", filter.to);
  if (filter.transactions !== undefined && filter.transactions.length > 0) q = q.where("e.transaction", "in", [...filter.transactions]);
  if (filter.outcomes !== undefined && filter.outcomes.length > 0) q = q.where("e.outcome", "in", [...filter.outcomes]);
  if (filter.emergency !== undefined) q = q.where("e.grant_emergency", "=", filter.emergency);
  return q;
}

/** One page of the matching events, newest first, and how many match in all. */
export async function searchAuditEvents(db: Db, filter: AuditEventFilter, start: PageStart, limit: number): Promise<{ rows: StoredEventRow[]; total: number }> {
  let page = filtered(db, filter).select(["e.event_id", "e.occurred_at", "e.record"]);
  if ("after" in start) {
    const { occurredAt, eventId } = start.after;
    page = page.where(sql<boolean>`(e.occurred_at, e.event_id) < (${occurredAt}, ${eventId}::uuid)`);
  } else if (start.offset > 0) {
    page = page.offset(start.offset);
  }
  const [rows, count] = await Promise.all([
    page.orderBy("e.occurred_at", "desc").orderBy("e.event_id", "desc").limit(limit).execute(),
    filtered(db, filter).select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}
