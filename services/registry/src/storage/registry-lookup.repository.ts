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

/** The patient as registration sees it: locked in share mode so that a merge waits for the registration. */
export interface PatientForRegistration {
  readonly status: "active" | "merged";
  readonly mergedInto: string | null;
}

/**
 * One round trip: the patient row (share-locked) and, when the patient exists, advisory locks on the submission's
 * uniqueIds, so that two registrations of the same uniqueIds run one after the other (the second then sees the
 * first). Keys are taken in a fixed order so that two registrations cannot deadlock; hashtext gives the 32-bit key
 * PostgreSQL's advisory locks take. Without the patient the submission is refused and no lock is needed.
 */
export async function lockPatientAndUniqueIds(
  tx: Transaction<RegistryDatabase>,
  patientId: string,
  uniqueIds: readonly string[],
): Promise<PatientForRegistration | undefined> {
  const keys = [...new Set(uniqueIds)].sort();
  const row = await tx
    .selectFrom("patient")
    .select(["status", "merged_into"])
    .where("patient_id", "=", patientId)
    .where(
      sql<boolean>`(SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n) AS locks) >= 0`,
    )
    .forShare()
    .executeTakeFirst();
  return row && { status: row.status, mergedInto: row.merged_into };
}

/** Registered uses of uniqueIds: DocumentEntries with their hash, and taken SubmissionSet or Folder uniqueIds. */
export interface UniqueIdUses {
  readonly documents: readonly { readonly uniqueId: string; readonly hash: string | null }[];
  readonly packages: ReadonlySet<string>;
}

/** One round trip, after lockPatientAndUniqueIds (a later statement sees what the lock waited for). */
export async function findUniqueIdUses(db: Db, documentIds: readonly string[], packageIds: readonly string[]): Promise<UniqueIdUses> {
  const docs = [...new Set(documentIds)];
  const packs = [...new Set(packageIds)];
  if (docs.length === 0 && packs.length === 0) return { documents: [], packages: new Set() };
  const rows = await db
    .selectFrom("document_entry")
    .select(["unique_id", sql<string>`coalesce(hash, '')`.as("hash"), sql<string>`'document'`.as("kind")])
    .where("unique_id", "in", docs.length ? docs : [""])
    .unionAll(db.selectFrom("submission_set").select(["unique_id", sql<string>`''`.as("hash"), sql<string>`'package'`.as("kind")]).where("unique_id", "in", packs.length ? packs : [""]))
    .unionAll(db.selectFrom("folder").select(["unique_id", sql<string>`''`.as("hash"), sql<string>`'package'`.as("kind")]).where("unique_id", "in", packs.length ? packs : [""]))
    .execute();
  return {
    documents: rows.filter((r) => r.kind === "document").map((r) => ({ uniqueId: r.unique_id, hash: r.hash || null })),
    packages: new Set(rows.filter((r) => r.kind === "package").map((r) => r.unique_id)),
  };
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

export function documentStatusUpdate(db: Db, uuids: readonly string[], status: string) {
  return db.updateTable("document_entry").set({ status }).where("entry_uuid", "in", [...uuids]);
}

/** A folder's lastUpdateTime changes whenever a document joins it (ITI TF-3 4.2.3.4.4). */
export function folderTouchUpdate(db: Db, uuids: readonly string[], lastUpdateTime: string, key: string) {
  return db
    .updateTable("folder")
    .set({
      last_update_time: lastUpdateTime,
      last_update_time_key: key,
      // The stored LeafClass XML holds the old lastUpdateTime: answer from the metadata until it is rendered again.
      leaf_xml: null,
      metadata: sql<string>`jsonb_set(metadata, '{lastUpdateTime}', to_jsonb(${lastUpdateTime}::text))`,
    })
    .where("entry_uuid", "in", [...uuids]);
}
