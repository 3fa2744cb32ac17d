import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { RegistryDatabase } from "../registry-database.js";
import { documentEntryVisible } from "./access-conditions.js";
import type { CodeMatch, DocumentEntryFilter, PatientObjectMatch, QueryReader } from "./query-filter.types.js";
import { anyOf, codeIn, inRange, likeAny, linkedByHasMember } from "./sql-conditions.js";

type DeScope = ExpressionBuilder<RegistryDatabase & { de: RegistryDatabase["document_entry"] }, "de">;

/**
 * DocumentEntries matching every given filter, in registration order, at most `limit` of them, with their LeafClass
 * columns when `withLeaf`. The patient and
 * status come first so PostgreSQL starts from the document_entry_patient index; codes, authors and reference ids of
 * the multi-valued attributes are EXISTS subqueries on their own tables, never rows read into memory. Only entries
 * the reader's access restriction shows are matched (access-conditions.ts).
 */
export async function findDocumentEntries(reader: QueryReader, f: DocumentEntryFilter, limit: number, withLeaf = false): Promise<PatientObjectMatch[]> {
  let q = reader.db.selectFrom("document_entry as de").select(["de.entry_uuid", "de.patient_id"]);
  if (reader.access) q = q.where(documentEntryVisible("de", reader.access));
  if (f.patientId !== undefined) q = q.where("de.patient_id", "=", f.patientId);
  if (f.statuses) q = q.where(anyOf("de.status", f.statuses));
  if (f.entryUuids) q = q.where(anyOf("de.entry_uuid", f.entryUuids));
  if (f.uniqueIds) q = q.where(anyOf("de.unique_id", f.uniqueIds));
  if (f.logicalIds) q = q.where(anyOf("de.logical_id", f.logicalIds));
  if (f.objectTypes) q = q.where(anyOf("de.object_type", f.objectTypes));
  for (const condition of singleCodeConditions(f)) q = q.where(condition);
  for (const c of [
    ...inRange("de.creation_time_key", f.creationTime ?? {}),
    ...inRange("de.service_start_time_key", f.serviceStartTime ?? {}),
    ...inRange("de.service_stop_time_key", f.serviceStopTime ?? {}),
  ]) {
    q = q.where(c);
  }
  for (const group of f.eventCodes ?? []) q = q.where((eb) => multiCodeExists(eb, "eventCodeList", group));
  for (const group of f.confidentialityCodes ?? []) q = q.where((eb) => multiCodeExists(eb, "confidentialityCode", group));
  const authors = f.authorPersons;
  if (authors) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("document_entry_author as a")
          .select(eb.lit(1).as("one"))
          .whereRef("a.entry_uuid", "=", "de.entry_uuid")
          .where(likeAny("a.person", authors)),
      ),
    );
  }
  for (const group of f.referenceIds ?? []) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("document_entry_reference_id as r")
          .select(eb.lit(1).as("one"))
          .whereRef("r.entry_uuid", "=", "de.entry_uuid")
          .where(anyOf("r.reference_id", group)),
      ),
    );
  }
  const packages = f.memberOf;
  if (packages) q = q.where(linkedByHasMember("de.entry_uuid", "target", packages));
  const ordered = q.orderBy("de.registered_at").orderBy("de.entry_uuid").limit(limit);
  if (!withLeaf) return (await ordered.execute()).map((r) => ({ entryUuid: r.entry_uuid, patientId: r.patient_id }));
  // The LeafClass columns in the same statement, so the answer needs no second read (see runStoredQuery).
  const rows = await ordered.select(["de.status", "de.leaf_xml", sql<unknown>`CASE WHEN de.leaf_xml IS NULL THEN de.metadata END`.as("metadata")]).execute();
  return rows.map((r) => ({ entryUuid: r.entry_uuid, patientId: r.patient_id, leaf: { status: r.status, leaf_xml: r.leaf_xml, metadata: r.metadata } }));
}

/** Single-valued coded attributes are columns of document_entry: values OR-ed (ITI TF-2a 3.18.4.1.2.3.5). */
function singleCodeConditions(f: DocumentEntryFilter): Expression<SqlBool>[] {
  const pairs: [readonly CodeMatch[] | undefined, string, string][] = [
    [f.classCodes, "de.class_code", "de.class_code_scheme"],
    [f.typeCodes, "de.type_code", "de.type_code_scheme"],
    [f.practiceSettingCodes, "de.practice_setting_code", "de.practice_setting_code_scheme"],
    [f.healthcareFacilityTypeCodes, "de.healthcare_facility_type_code", "de.healthcare_facility_type_code_scheme"],
    [f.formatCodes, "de.format_code", "de.format_code_scheme"],
  ];
  return pairs.flatMap(([codes, code, scheme]) => (codes ? [codeIn(code, scheme, codes)] : []));
}

/** One Slot of a multi-valued code parameter: the entry carries at least one of its codes. */
function multiCodeExists(eb: DeScope, attribute: "eventCodeList" | "confidentialityCode", group: readonly CodeMatch[]): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom("document_entry_code as c")
      .select(eb.lit(1).as("one"))
      .whereRef("c.entry_uuid", "=", "de.entry_uuid")
      .where("c.attribute", "=", attribute)
      .where(codeIn("c.code", "c.coding_scheme", group)),
  );
}
