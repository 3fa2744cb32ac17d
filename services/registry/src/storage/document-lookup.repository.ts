import { sql, type Kysely } from "kysely";
import type { RegistryDatabase } from "./registry-database.js";
import { anyOf } from "./query/sql-conditions.js";

/** What an authorization check needs to know about one registered DocumentEntry. */
export interface DocumentAccessFacts {
  readonly uniqueId: string;
  readonly repositoryUniqueId: string | null;
  readonly patientId: string;
  /** The availabilityStatus URN as stored (urn:oasis:names:tc:ebxml-regrep:StatusType:Approved...). */
  readonly status: string;
  /** XCN.1 of each authorPerson (the text before the first `^`), without empty ones, distinct and sorted. */
  readonly authorIds: readonly string[];
}

/**
 * Every DocumentEntry with one of the uniqueIds (document_entry_unique_id index), each with its authors' ids from
 * document_entry_author in the same statement. A uniqueId registered more than once (the same document in two
 * submission sets) gives one row per entry; unknown uniqueIds give none.
 */
export async function findDocumentAccessFacts(db: Kysely<RegistryDatabase>, uniqueIds: readonly string[]): Promise<DocumentAccessFacts[]> {
  if (uniqueIds.length === 0) return [];
  const rows = await db
    .selectFrom("document_entry as de")
    .select([
      "de.unique_id",
      "de.repository_unique_id",
      "de.patient_id",
      "de.status",
      sql<string[] | null>`(SELECT array_agg(DISTINCT split_part(a.person, '^', 1) ORDER BY split_part(a.person, '^', 1))
        FROM document_entry_author AS a WHERE a.entry_uuid = de.entry_uuid AND split_part(a.person, '^', 1) <> '')`.as("author_ids"),
    ])
    .where(anyOf("de.unique_id", uniqueIds))
    .orderBy("de.unique_id")
    .orderBy("de.registered_at")
    .orderBy("de.entry_uuid")
    .execute();
  return rows.map((r) => ({
    uniqueId: r.unique_id,
    repositoryUniqueId: r.repository_unique_id,
    patientId: r.patient_id,
    status: r.status,
    authorIds: r.author_ids ?? [],
  }));
}
