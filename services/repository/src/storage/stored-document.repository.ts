import type { Kysely, Transaction } from "kysely";
import type { RepositoryDatabase } from "./repository-database.js";

/** A database handle or an open transaction: repositories never decide where the transaction boundary lies. */
export type RepositoryDb = Kysely<RepositoryDatabase> | Transaction<RepositoryDatabase>;

/** The repository's record of one document it holds (table stored_document). */
export interface StoredDocument {
  readonly documentUniqueId: string;
  readonly blobKey: string;
  readonly mimeType: string;
  /** Bytes, as computed while the document was streamed in. */
  readonly size: number;
  /** SHA-1 in lower-case hex, as computed while the document was streamed in. */
  readonly hash: string;
  readonly state: "pending" | "registered";
  /** The DocumentEntry's patientId; undefined for documents stored before it was kept. */
  readonly patientId: string | undefined;
}

export interface PendingDocument {
  readonly documentUniqueId: string;
  readonly blobKey: string;
  readonly mimeType: string;
  readonly size: number;
  readonly hash: string;
  readonly submissionSetUniqueId: string | undefined;
  readonly patientId: string | undefined;
}

/**
 * Records documents whose blobs are written but not registered yet. A uniqueId already held (pending or
 * registered) makes the insert fail on the primary key: the caller maps that to a duplicate.
 */
export async function insertPending(db: RepositoryDb, documents: readonly PendingDocument[]): Promise<void> {
  if (documents.length === 0) return;
  await db
    .insertInto("stored_document")
    .values(
      documents.map((d) => ({
        document_unique_id: d.documentUniqueId,
        blob_key: d.blobKey,
        mime_type: d.mimeType,
        size: d.size,
        hash: d.hash,
        state: "pending" as const,
        submission_set_unique_id: d.submissionSetUniqueId ?? null,
        patient_id: d.patientId ?? null,
      })),
    )
    .execute();
}

/** The registry accepted these documents: they are served by ITI-43 from now on and never swept. */
export async function markRegistered(db: RepositoryDb, documentUniqueIds: readonly string[], at: Date = new Date()): Promise<number> {
  if (documentUniqueIds.length === 0) return 0;
  const result = await db
    .updateTable("stored_document")
    .set({ state: "registered", registered_at: at })
    .where("document_unique_id", "in", documentUniqueIds)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Forgets pending documents (their registration failed or they were swept). Only `pending` rows are touched and
 * only those whose blob key is the one given, so a registered document, or a row that meanwhile belongs to
 * another blob, is never removed by mistake.
 */
export async function deletePending(db: RepositoryDb, documents: readonly { documentUniqueId: string; blobKey: string }[]): Promise<number> {
  let deleted = 0;
  for (const d of documents) {
    const result = await db
      .deleteFrom("stored_document")
      .where("document_unique_id", "=", d.documentUniqueId)
      .where("blob_key", "=", d.blobKey)
      .where("state", "=", "pending")
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

/** The documents with these uniqueIds that the repository holds, in any state (ITI-43 serves `registered` ones). */
export async function findByUniqueIds(db: RepositoryDb, documentUniqueIds: readonly string[]): Promise<StoredDocument[]> {
  if (documentUniqueIds.length === 0) return [];
  const rows = await db
    .selectFrom("stored_document")
    .select(["document_unique_id", "blob_key", "mime_type", "size", "hash", "state", "patient_id"])
    .where("document_unique_id", "in", documentUniqueIds)
    .execute();
  return rows.map((r) => ({
    documentUniqueId: r.document_unique_id,
    blobKey: r.blob_key,
    mimeType: r.mime_type,
    size: Number(r.size),
    hash: r.hash,
    state: r.state,
    patientId: r.patient_id ?? undefined,
  }));
}

/** ITI-43's lookup: the stored documents of the requested uniqueIds (unknown ones are simply absent). */
export function findStoredDocuments(db: RepositoryDb, documentUniqueIds: readonly string[]): Promise<StoredDocument[]> {
  return findByUniqueIds(db, documentUniqueIds);
}

/** Pending documents created before `before`, oldest first (uses the partial index stored_document_pending). */
export async function listPendingOlderThan(
  db: RepositoryDb,
  before: Date,
  limit = 1000,
): Promise<{ documentUniqueId: string; blobKey: string; createdAt: Date }[]> {
  const rows = await db
    .selectFrom("stored_document")
    .select(["document_unique_id", "blob_key", "created_at"])
    .where("state", "=", "pending")
    .where("created_at", "<", before)
    .orderBy("created_at")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ documentUniqueId: r.document_unique_id, blobKey: r.blob_key, createdAt: new Date(r.created_at) }));
}

/** Which of these blob keys a row (in any state) refers to; the sweeper keeps those. */
export async function referencedBlobKeys(db: RepositoryDb, blobKeys: readonly string[]): Promise<Set<string>> {
  if (blobKeys.length === 0) return new Set();
  const rows = await db.selectFrom("stored_document").select("blob_key").where("blob_key", "in", blobKeys).execute();
  return new Set(rows.map((r) => r.blob_key));
}
