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

/** One round trip: the documents' and folders' rows locked by one statement (a CTE per table). */
async function lockRows(db: Db, uuids: readonly string[]): Promise<void> {
  const list = [...uuids];
  await db
    .with("documents", (q) => q.selectFrom("document_entry").select("entry_uuid").where("entry_uuid", "in", list).forUpdate())
    .with("folders", (q) => q.selectFrom("folder").select("entry_uuid").where("entry_uuid", "in", list).forUpdate())
    .selectFrom("documents")
    .select("entry_uuid")
    .unionAll((eb) => eb.selectFrom("folders").select("entry_uuid"))
    .execute();
}

/** The patient as registration sees it: locked in share mode so that a merge waits for the registration. */
export interface PatientForRegistration {
  readonly status: "active" | "merged";
  readonly mergedInto: string | null;
}

/** Registered uses of uniqueIds: DocumentEntries with their hash, and taken SubmissionSet or Folder uniqueIds. */
export interface UniqueIdUses {
  readonly documents: readonly { readonly uniqueId: string; readonly hash: string | null }[];
  readonly packages: ReadonlySet<string>;
}

/** What a registration learns before its checks; without the patient nothing else was looked up. */
export type RegistrationLookup = { readonly patient: undefined } | { readonly patient: PatientForRegistration; readonly uses: UniqueIdUses };

/**
 * One round trip (the registration_lookup function of the registry's migrations): the patient row (share-locked)
 * and, when the patient exists, advisory locks on the submission's uniqueIds followed by their registered uses, read
 * after the locks are held so that two registrations of the same uniqueIds run one after the other and the second
 * sees the first. Keys are taken in a fixed order so that two registrations cannot deadlock.
 */
export async function lookUpRegistration(
  tx: Transaction<RegistryDatabase>,
  patientId: string,
  documentIds: readonly string[],
  packageIds: readonly string[],
): Promise<RegistrationLookup> {
  const { keys, docs, packs } = lockKeysOf(documentIds, packageIds);
  const { rows } = await sql<{
    found_kind: "patient" | "document" | "package";
    found_unique_id: string | null;
    found_hash: string | null;
    patient_status: "active" | "merged" | null;
    patient_merged_into: string | null;
  }>`SELECT * FROM registration_lookup(${patientId}, ${keys}::text[], ${docs}::text[], ${packs}::text[])`.execute(tx);
  const patient = rows.find((r) => r.found_kind === "patient");
  if (!patient?.patient_status) return { patient: undefined };
  const documents: { uniqueId: string; hash: string | null }[] = [];
  const packages = new Set<string>();
  for (const r of rows) {
    if (r.found_kind === "document" && r.found_unique_id !== null) documents.push({ uniqueId: r.found_unique_id, hash: r.found_hash || null });
    if (r.found_kind === "package" && r.found_unique_id !== null) packages.add(r.found_unique_id);
  }
  return { patient: { status: patient.patient_status, mergedInto: patient.patient_merged_into }, uses: { documents, packages } };
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

/** The uniqueIds to lock, in the one order every registration takes them, and the uniqueIds to look up. */
function lockKeysOf(documentIds: readonly string[], packageIds: readonly string[]): { keys: string[]; docs: string[]; packs: string[] } {
  return { keys: [...new Set([...documentIds, ...packageIds])].sort(), docs: [...new Set(documentIds)], packs: [...new Set(packageIds)] };
}

/** A submission's uniqueIds and hashes as register_rows_if_clear checks them. */
export interface ClearRegistration {
  readonly patientId: string;
  readonly documents: readonly { readonly uniqueId: string; readonly hash: string | undefined }[];
  readonly packageUniqueIds: readonly string[];
  /** entryUUIDs the sender chose, which must not be registered yet. */
  readonly ownEntryUuids: readonly string[];
}

/**
 * One round trip, in a transaction of its own: the registration_lookup locks and lookups, then the rows of
 * `rowsJson` (registrationRowsJson) written when nothing in the registry refuses the submission. True when they were
 * written; false when nothing was.
 */
export async function registerIfClear(db: Kysely<RegistryDatabase>, r: ClearRegistration, rowsJson: string): Promise<boolean> {
  const documentIds = r.documents.map((d) => d.uniqueId);
  // Compared as checkUniqueIds compares them: lower case, no hash as empty.
  const hashes = r.documents.map((d) => (d.hash ?? "").toLowerCase());
  const { keys, packs } = lockKeysOf(documentIds, r.packageUniqueIds);
  const { rows } = await sql<{ registered: boolean }>`SELECT register_rows_if_clear(${r.patientId}, ${keys}::text[], ${documentIds}::text[], ${hashes}::text[], ${packs}::text[], ${[...r.ownEntryUuids]}::text[], ${rowsJson}::jsonb) AS registered`.execute(db);
  return rows[0]?.registered === true;
}
