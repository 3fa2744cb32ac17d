import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface StoredDocumentTable {
  document_unique_id: string;
  blob_key: string;
  mime_type: string;
  size: ColumnType<string, number | string, number | string>;
  hash: string;
  state: "pending" | "registered";
  submission_set_unique_id: string | null;
  created_at: Timestamp;
  registered_at: Timestamp | null;
}

/** Kysely types of the repository schema (migrations/2026-11-22T0500-repository-schema.ts). */
export interface RepositoryDatabase {
  stored_document: StoredDocumentTable;
}
