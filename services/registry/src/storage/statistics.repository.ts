import { sql, type Kysely } from "kysely";
import type { RegistryDatabase } from "./registry-database.js";

type Db = Kysely<RegistryDatabase>;

/** A month of registration, "YYYY-MM" in UTC, and the instants that bound it. */
export interface MonthRange {
  readonly month: string;
  readonly start: Date;
  readonly end: Date;
}

/** The month in which a submission set was registered; undefined for an unknown entryUUID. */
export async function registrationMonthOf(db: Db, submissionSetUuid: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("submission_set")
    .select(sql<string>`to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM')`.as("month"))
    .where("entry_uuid", "=", submissionSetUuid)
    .executeTakeFirst();
  return row?.month;
}

/** The first and last registration times of any document (from the registered_at index), or undefined if none. */
export async function documentRegistrationSpan(db: Db): Promise<{ first: Date; last: Date } | undefined> {
  const row = await db
    .selectFrom("document_entry")
    .select((eb) => [eb.fn.min("registered_at").as("first"), eb.fn.max("registered_at").as("last")])
    .executeTakeFirst();
  if (!row?.first || !row.last) return undefined;
  return { first: new Date(row.first), last: new Date(row.last) };
}

/**
 * Takes the month's row lock (creating the row), so recounts of the same month run one after the other: a recount
 * deletes then inserts, and two interleaved ones would otherwise count twice.
 */
export async function lockStatisticsMonth(tx: Db, month: string): Promise<void> {
  await tx
    .insertInto("statistics_month")
    .values({ month, new_records: 0 })
    .onConflict((oc) => oc.column("month").doUpdateSet({ recounted_at: sql`now()` }))
    .execute();
}

/** Replaces the month's document counters by a count of document_entry per classCode and typeCode. */
export async function replaceDocumentCounts(tx: Db, range: MonthRange): Promise<number> {
  await tx.deleteFrom("document_statistics").where("month", "=", range.month).execute();
  const result = await tx
    .insertInto("document_statistics")
    .columns(["month", "class_code", "class_code_scheme", "type_code", "type_code_scheme", "documents"])
    .expression((eb) =>
      eb
        .selectFrom("document_entry")
        .select([
          sql<string>`${range.month}`.as("month"),
          sql<string>`coalesce(class_code, '')`.as("class_code"),
          sql<string>`coalesce(class_code_scheme, '')`.as("class_code_scheme"),
          sql<string>`coalesce(type_code, '')`.as("type_code"),
          sql<string>`coalesce(type_code_scheme, '')`.as("type_code_scheme"),
          sql<number>`count(*)::integer`.as("documents"),
        ])
        .where("registered_at", ">=", range.start)
        .where("registered_at", "<", range.end)
        .groupBy([sql`2`, sql`3`, sql`4`, sql`5`]),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Records whose first document was registered in the month: a document in it and none before it. */
export async function setNewRecordCount(tx: Db, range: MonthRange): Promise<void> {
  await tx
    .updateTable("statistics_month")
    .set({
      new_records: sql<number>`(
        SELECT count(DISTINCT d.patient_id)::integer FROM document_entry d
        WHERE d.registered_at >= ${range.start} AND d.registered_at < ${range.end}
          AND NOT EXISTS (SELECT 1 FROM document_entry e WHERE e.patient_id = d.patient_id AND e.registered_at < ${range.start}))`,
    })
    .where("month", "=", range.month)
    .execute();
}

/** Drops a month's statistics (its counters go with it). */
export async function deleteStatisticsMonth(tx: Db, month: string): Promise<void> {
  await tx.deleteFrom("statistics_month").where("month", "=", month).execute();
}

/** Drops the statistics of months outside [first, last] (after a recount of every month in between). */
export async function deleteStatisticsMonthsOutside(tx: Db, first: string, last: string): Promise<void> {
  await tx
    .deleteFrom("statistics_month")
    .where((eb) => eb.or([eb("month", "<", first), eb("month", ">", last)]))
    .execute();
}

/** Drops every month's statistics (no document is registered). */
export async function deleteAllStatisticsMonths(tx: Db): Promise<void> {
  await tx.deleteFrom("statistics_month").execute();
}

export interface StatisticsMonthRow {
  readonly month: string;
  readonly newRecords: number;
}

export interface DocumentCountRow {
  readonly month: string;
  readonly classCode: string;
  readonly classCodeScheme: string;
  readonly typeCode: string;
  readonly typeCodeScheme: string;
  readonly documents: number;
}

/** Every month's record count, oldest first. */
export async function listStatisticsMonths(db: Db): Promise<StatisticsMonthRow[]> {
  const rows = await db.selectFrom("statistics_month").select(["month", "new_records"]).orderBy("month").execute();
  return rows.map((r) => ({ month: r.month, newRecords: Number(r.new_records) }));
}

/** Every counter, by month. */
export async function listDocumentCounts(db: Db): Promise<DocumentCountRow[]> {
  const rows = await db.selectFrom("document_statistics").selectAll().orderBy("month").execute();
  return rows.map((r) => ({
    month: r.month,
    classCode: r.class_code,
    classCodeScheme: r.class_code_scheme,
    typeCode: r.type_code,
    typeCodeScheme: r.type_code_scheme,
    documents: Number(r.documents),
  }));
}
