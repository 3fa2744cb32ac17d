import { patientObjectVisible } from "./access-conditions.js";
import type { PatientObjectMatch, QueryReader, SubmissionSetFilter } from "./query-filter.types.js";
import { anyOf, codeIn, inRange, likeAny } from "./sql-conditions.js";

/**
 * SubmissionSets matching every given filter, in registration order, at most `limit`. Patient and status first
 * (submission_set_patient index), authors through an EXISTS subquery on submission_set_author. Only submission
 * sets of the patients the reader's access restriction shows are matched; a set holding hidden documents is still
 * shown (only those documents and their associations are not).
 */
export async function findSubmissionSets(reader: QueryReader, f: SubmissionSetFilter, limit: number): Promise<PatientObjectMatch[]> {
  let q = reader.db.selectFrom("submission_set as ss").select(["ss.entry_uuid", "ss.patient_id"]);
  if (reader.access) q = q.where(patientObjectVisible("ss", reader.access));
  if (f.patientId !== undefined) q = q.where("ss.patient_id", "=", f.patientId);
  if (f.statuses) q = q.where(anyOf("ss.status", f.statuses));
  if (f.entryUuids) q = q.where(anyOf("ss.entry_uuid", f.entryUuids));
  if (f.uniqueIds) q = q.where(anyOf("ss.unique_id", f.uniqueIds));
  if (f.sourceIds) q = q.where(anyOf("ss.source_id", f.sourceIds));
  for (const c of inRange("ss.submission_time_key", f.submissionTime ?? {})) q = q.where(c);
  if (f.contentTypes) q = q.where(codeIn("ss.content_type_code", "ss.content_type_scheme", f.contentTypes));
  const authors = f.authorPersons;
  if (authors) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("submission_set_author as a")
          .select(eb.lit(1).as("one"))
          .whereRef("a.entry_uuid", "=", "ss.entry_uuid")
          .where(likeAny("a.person", authors)),
      ),
    );
  }
  const rows = await q.orderBy("ss.registered_at").orderBy("ss.entry_uuid").limit(limit).execute();
  return rows.map((r) => ({ entryUuid: r.entry_uuid, patientId: r.patient_id }));
}
