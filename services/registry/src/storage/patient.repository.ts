import { sql, type Kysely, type Transaction } from "kysely";
import type { RegistryDatabase } from "./registry-database.js";

type Db = Kysely<RegistryDatabase> | Transaction<RegistryDatabase>;

export interface PatientRecord {
  readonly patientId: string;
  readonly status: "active" | "merged";
  readonly mergedInto: string | null;
}

/**
 * `lock` (inside a transaction): "update" before changing the row (merge), "share" for a transaction that relies on
 * the patient staying active until it commits (a registration), so a merge and a registration of the same patient
 * run one after the other and no entry is left behind under a subsumed id.
 */
export async function findPatient(db: Db, patientId: string, lock?: "update" | "share"): Promise<PatientRecord | undefined> {
  let query = db.selectFrom("patient").select(["patient_id", "status", "merged_into"]).where("patient_id", "=", patientId);
  if (lock === "update") query = query.forUpdate();
  if (lock === "share") query = query.forShare();
  const row = await query.executeTakeFirst();
  return row && { patientId: row.patient_id, status: row.status, mergedInto: row.merged_into };
}

/** Adds the patient, or makes a known one active again (a new feed after a merge is an explicit re-activation). */
export async function upsertPatient(db: Db, patientId: string): Promise<"created" | "updated"> {
  const existing = await findPatient(db, patientId);
  if (!existing) {
    await db.insertInto("patient").values({ patient_id: patientId }).execute();
    return "created";
  }
  await db
    .updateTable("patient")
    .set({ status: "active", merged_into: null, updated_at: new Date() })
    .where("patient_id", "=", patientId)
    .execute();
  return "updated";
}

/** How many entries of each kind a merge moved from the subsumed patient to the surviving one. */
export interface ReassignedCounts {
  readonly documentEntries: number;
  readonly submissionSets: number;
  readonly folders: number;
}

/**
 * Patient identity merge (ITI TF-2a 3.8.4.2.3): every DocumentEntry, SubmissionSet and Folder registered under
 * `fromId` now belongs to `toId`, in the indexed column and in the stored metadata view (its `patientId`), so
 * stored queries and LeafClass answers give the surviving id. sourcePatientId/sourcePatientInfo stay as submitted
 * (they are the source's local identity). The caller owns the transaction.
 */
export async function reassignPatientEntries(tx: Transaction<RegistryDatabase>, fromId: string, toId: string): Promise<ReassignedCounts> {
  const metadata = sql<string>`jsonb_set(metadata, '{patientId}', to_jsonb(${toId}::text))`;
  // The stored LeafClass XML names the old id: answer from the metadata (leaf_xml NULL) from now on.
  const changes = { patient_id: toId, metadata, leaf_xml: null };
  const documents = await tx
    .updateTable("document_entry")
    .set(changes)
    .where("patient_id", "=", fromId)
    .executeTakeFirst();
  const sets = await tx
    .updateTable("submission_set")
    .set(changes)
    .where("patient_id", "=", fromId)
    .executeTakeFirst();
  const folders = await tx.updateTable("folder").set(changes).where("patient_id", "=", fromId).executeTakeFirst();
  return {
    documentEntries: Number(documents.numUpdatedRows),
    submissionSets: Number(sets.numUpdatedRows),
    folders: Number(folders.numUpdatedRows),
  };
}

/**
 * Marks `subsumedId` merged into `survivingId`; ids merged into `subsumedId` earlier now point at `survivingId`
 * too, so `merged_into` always names an active patient (no chains to follow).
 */
export async function markPatientMerged(tx: Transaction<RegistryDatabase>, subsumedId: string, survivingId: string): Promise<void> {
  const now = new Date();
  await tx
    .updateTable("patient")
    .set({ status: "merged", merged_into: survivingId, updated_at: now })
    .where("patient_id", "=", subsumedId)
    .execute();
  await tx
    .updateTable("patient")
    .set({ merged_into: survivingId, updated_at: now })
    .where("merged_into", "=", subsumedId)
    .execute();
}

/** Inserts an active patient unless the id is known (also when a concurrent feed inserted it first). */
export async function insertPatientIfAbsent(db: Db, patientId: string): Promise<boolean> {
  const inserted = await db
    .insertInto("patient")
    .values({ patient_id: patientId })
    .onConflict((oc) => oc.column("patient_id").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Records an update of a known patient; `reactivate` also undoes a merge (the admin API's explicit choice). */
export async function touchPatient(db: Db, patientId: string, reactivate: boolean): Promise<void> {
  await db
    .updateTable("patient")
    .set(reactivate ? { status: "active", merged_into: null, updated_at: new Date() } : { updated_at: new Date() })
    .where("patient_id", "=", patientId)
    .execute();
}
