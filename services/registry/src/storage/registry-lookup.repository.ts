import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { RegistryDatabase } from "./registry-database.js";

type Db = Kysely<RegistryDatabase> | Transaction<RegistryDatabase>;

export type RegisteredKind = "DocumentEntry" | "SubmissionSet" | "Folder" | "Association";

/** What registration needs to know about an object already in the registry. */
export interface RegisteredObject {
  readonly entryUuid: string;
  readonly kind: RegisteredKind;
  readonly patientId: string | null;
  readonly status: string;
}

/**
 * Looks up registered objects by entryUUID, whatever their type, in one round trip. Documents and folders are
 * locked until the transaction ends (they may be deprecated or updated by this registration).
 */
export async function findRegisteredObjects(db: Db, uuids: readonly string[]): Promise<Map<string, RegisteredObject>> {
  const found = new Map<string, RegisteredObject>();
  if (uuids.length === 0) return found;
  const list = [...new Set(uuids)];
  const rows = await db
    .selectFrom("document_entry")
    .select(["entry_uuid", "patient_id", "status", sql<RegisteredKind>`'DocumentEntry'`.as("kind")])
    .where("entry_uuid", "in", list)
    .unionAll(db.selectFrom("submission_set").select(["entry_uuid", "patient_id", "status", sql<RegisteredKind>`'SubmissionSet'`.as("kind")]).where("entry_uuid", "in", list))
    .unionAll(db.selectFrom("folder").select(["entry_uuid", "patient_id", "status", sql<RegisteredKind>`'Folder'`.as("kind")]).where("entry_uuid", "in", list))
    .unionAll(
      // Associations have no patient of their own: an empty patient_id, read back as null.
      db.selectFrom("association").select(["entry_uuid", sql<string>`''`.as("patient_id"), "status", sql<RegisteredKind>`'Association'`.as("kind")]).where("entry_uuid", "in", list),
    )
    .execute();
  for (const r of rows) found.set(r.entry_uuid, { entryUuid: r.entry_uuid, kind: r.kind, patientId: r.patient_id || null, status: r.status });
  const lockable = rows.filter((r) => r.kind === "DocumentEntry" || r.kind === "Folder").map((r) => r.entry_uuid);
  if (lockable.length) await lockRows(db, lockable);
  return found;
}

async function lockRows(db: Db, uuids: readonly string[]): Promise<void> {
  await db.selectFrom("document_entry").select("entry_uuid").where("entry_uuid", "in", [...uuids]).forUpdate().execute();
  await db.selectFrom("folder").select("entry_uuid").where("entry_uuid", "in", [...uuids]).forUpdate().execute();
}

/** DocumentEntries registered with one of these uniqueIds, with their hash (XDSDuplicateUniqueIdInRegistry). */
export async function findDocumentsByUniqueId(db: Db, uniqueIds: readonly string[]): Promise<{ uniqueId: string; hash: string | null }[]> {
  if (uniqueIds.length === 0) return [];
  const rows = await db.selectFrom("document_entry").select(["unique_id", "hash"]).where("unique_id", "in", [...new Set(uniqueIds)]).execute();
  return rows.map((r) => ({ uniqueId: r.unique_id, hash: r.hash }));
}

/** uniqueIds of submission sets and folders that are already taken. */
export async function findTakenPackageUniqueIds(db: Db, uniqueIds: readonly string[]): Promise<Set<string>> {
  if (uniqueIds.length === 0) return new Set();
  const list = [...new Set(uniqueIds)];
  const rows = await db
    .selectFrom("submission_set")
    .select("unique_id")
    .where("unique_id", "in", list)
    .unionAll(db.selectFrom("folder").select("unique_id").where("unique_id", "in", list))
    .execute();
  return new Set(rows.map((r) => r.unique_id));
}

/**
 * Serialises registrations that touch the same uniqueIds (two concurrent submissions of one document), held until
 * the transaction ends; one round trip, keys taken in a fixed order so that two registrations cannot deadlock.
 * hashtext gives the 32-bit key PostgreSQL's advisory locks take.
 */
export async function lockUniqueIds(db: Transaction<RegistryDatabase>, uniqueIds: readonly string[]): Promise<void> {
  const keys = [...new Set(uniqueIds)].sort();
  if (keys.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`.execute(db);
}

/** Folders the document is a member of (Folder -> DocumentEntry HasMember), for RPLC propagation. */
export async function findFoldersOfDocument(db: Db, documentUuid: string, hasMember: string): Promise<string[]> {
  const rows = await db
    .selectFrom("association")
    .innerJoin("folder", "folder.entry_uuid", "association.source_uuid")
    .select("folder.entry_uuid")
    .where("association.target_uuid", "=", documentUuid)
    .where("association.association_type", "=", hasMember)
    .execute();
  return rows.map((r) => r.entry_uuid);
}

export async function setDocumentStatus(db: Db, uuids: readonly string[], status: string): Promise<void> {
  if (uuids.length === 0) return;
  await db.updateTable("document_entry").set({ status }).where("entry_uuid", "in", [...uuids]).execute();
}

/** A folder's lastUpdateTime changes whenever a document joins it (ITI TF-3 4.2.3.4.4). */
export async function touchFolders(db: Db, uuids: readonly string[], lastUpdateTime: string, key: string): Promise<void> {
  if (uuids.length === 0) return;
  await db
    .updateTable("folder")
    .set({
      last_update_time: lastUpdateTime,
      last_update_time_key: key,
      metadata: sql<string>`jsonb_set(metadata, '{lastUpdateTime}', to_jsonb(${lastUpdateTime}::text))`,
    })
    .where("entry_uuid", "in", [...uuids])
    .execute();
}
