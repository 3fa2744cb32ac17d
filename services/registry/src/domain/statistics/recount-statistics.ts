import type { Kysely } from "kysely";
import type { RegistryDatabase } from "../../storage/registry-database.js";
import {
  deleteAllStatisticsMonths,
  deleteStatisticsMonth,
  deleteStatisticsMonthsOutside,
  documentRegistrationSpan,
  lockStatisticsMonth,
  registrationMonthOf,
  replaceDocumentCounts,
  setNewRecordCount,
} from "../../storage/statistics.repository.js";
import { monthOf, monthRange, monthsBetween } from "./month-range.js";

type Db = Kysely<RegistryDatabase>;

/**
 * Recomputes one month's statistics from the indexed document_entry rows in one transaction. Recomputing rather
 * than adding makes it idempotent: a job run twice, or a recount after a lost job, gives the same numbers.
 * Returns whether the month has documents (a month without any keeps no statistics).
 */
export async function recountMonth(db: Db, month: string): Promise<boolean> {
  const range = monthRange(month);
  if (!range) throw new RangeError(`"${month}" is not a YYYY-MM month`);
  return db.transaction().execute(async (tx) => {
    await lockStatisticsMonth(tx, month);
    const counters = await replaceDocumentCounts(tx, range);
    if (counters === 0) {
      await deleteStatisticsMonth(tx, month);
      return false;
    }
    await setNewRecordCount(tx, range);
    return true;
  });
}

/**
 * After an ITI-42 registration: recounts the month the submission set was registered in and the next one (whose
 * new records depend on it). An unknown entryUUID recounts nothing: the registration it names did not commit.
 */
export async function recountAfterRegistration(db: Db, submissionSetUuid: string): Promise<string[]> {
  const month = await registrationMonthOf(db, submissionSetUuid);
  if (month === undefined) return [];
  await recountMonth(db, month);
  const range = monthRange(month);
  if (range && (await statisticsKeptFor(db, monthOf(range.end)))) await recountMonth(db, monthOf(range.end));
  return [month];
}

/**
 * Recounts every month from the first document's registration to the last one's, and drops the statistics of
 * months outside, so counts left wrong by a lost job or changed by a patient merge heal.
 */
export async function recountAllMonths(db: Db): Promise<number> {
  const span = await documentRegistrationSpan(db);
  if (!span) {
    await deleteAllStatisticsMonths(db);
    return 0;
  }
  const months = monthsBetween(span.first, span.last);
  for (const month of months) await recountMonth(db, month);
  await deleteStatisticsMonthsOutside(db, months[0] ?? "", months.at(-1) ?? "");
  return months.length;
}

async function statisticsKeptFor(db: Db, month: string): Promise<boolean> {
  const row = await db.selectFrom("statistics_month").select("month").where("month", "=", month).executeTakeFirst();
  return row !== undefined;
}
