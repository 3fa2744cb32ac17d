import { patientObjectVisible } from "./access-conditions.js";
import type { FolderFilter, PatientObjectMatch, QueryReader } from "./query-filter.types.js";
import { anyOf, codeIn, inRange, linkedByHasMember } from "./sql-conditions.js";

/**
 * Folders matching every given filter, in registration order, at most `limit`. Patient and status first
 * (folder_patient index); each Slot of $XDSFolderCodeList is one EXISTS on folder_code (AND of ORs). Only folders
 * of the patients the reader's access restriction shows are matched.
 */
export async function findFolders(reader: QueryReader, f: FolderFilter, limit: number): Promise<PatientObjectMatch[]> {
  let q = reader.db.selectFrom("folder as fd").select(["fd.entry_uuid", "fd.patient_id"]);
  if (reader.access) q = q.where(patientObjectVisible("fd", reader.access));
  if (f.patientId !== undefined) q = q.where("fd.patient_id", "=", f.patientId);
  if (f.statuses) q = q.where(anyOf("fd.status", f.statuses));
  if (f.entryUuids) q = q.where(anyOf("fd.entry_uuid", f.entryUuids));
  if (f.uniqueIds) q = q.where(anyOf("fd.unique_id", f.uniqueIds));
  if (f.logicalIds) q = q.where(anyOf("fd.logical_id", f.logicalIds));
  for (const c of inRange("fd.last_update_time_key", f.lastUpdateTime ?? {})) q = q.where(c);
  for (const group of f.codes ?? []) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("folder_code as c")
          .select(eb.lit(1).as("one"))
          .whereRef("c.entry_uuid", "=", "fd.entry_uuid")
          .where(codeIn("c.code", "c.coding_scheme", group)),
      ),
    );
  }
  const sets = f.memberOf;
  if (sets) q = q.where(linkedByHasMember("fd.entry_uuid", "target", sets));
  const documents = f.containing;
  if (documents) q = q.where(linkedByHasMember("fd.entry_uuid", "source", documents));
  const rows = await q.orderBy("fd.registered_at").orderBy("fd.entry_uuid").limit(limit).execute();
  return rows.map((r) => ({ entryUuid: r.entry_uuid, patientId: r.patient_id }));
}
