import { sql, type SqlBool } from "kysely";
import { associationVisible } from "./access-conditions.js";
import type { AssociationFilter, AssociationMatch, QueryReader } from "./query-filter.types.js";
import { anyOf } from "./sql-conditions.js";

/**
 * Associations matching every given filter, in registration order, at most `limit`. Source and target lists use
 * the association_source / association_target indexes; "source or target" is their union. Under an access
 * restriction only associations whose two ends are visible are matched (an RPLC to a hidden document, the HasMember
 * that puts it in a submission set or folder are not).
 */
export async function findAssociations(reader: QueryReader, f: AssociationFilter, limit: number): Promise<AssociationMatch[]> {
  let q = reader.db.selectFrom("association as a").select(["a.entry_uuid", "a.association_type", "a.source_uuid", "a.target_uuid"]);
  if (reader.access) q = q.where(associationVisible("a", reader.access));
  if (f.sourceOrTarget) {
    const ends = f.sourceOrTarget;
    q = q.where(sql<SqlBool>`(${anyOf("a.source_uuid", ends)} OR ${anyOf("a.target_uuid", ends)})`);
  }
  if (f.sources) q = q.where(anyOf("a.source_uuid", f.sources));
  if (f.targets) q = q.where(anyOf("a.target_uuid", f.targets));
  if (f.types) q = q.where(anyOf("a.association_type", f.types));
  if (f.fromSubmissionSet) {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom("submission_set as s").select(eb.lit(1).as("one")).whereRef("s.entry_uuid", "=", "a.source_uuid")),
    );
  }
  const rows = await q.orderBy("a.registered_at").orderBy("a.entry_uuid").limit(limit).execute();
  return rows.map((r) => ({
    entryUuid: r.entry_uuid,
    associationType: r.association_type,
    sourceUuid: r.source_uuid,
    targetUuid: r.target_uuid,
  }));
}
