import type { AuditOutboxDatabase } from "@opendsp/platform";
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
  /** The DocumentEntry's patientId (CX); null for documents stored before it was kept. */
  patient_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  registered_at: Timestamp | null;
}

/** Kysely types of the repository schema (migrations/2026-11-22T0500-repository-schema.ts). */
export interface RepositoryDatabase extends AuditOutboxDatabase {
  stored_document: StoredDocumentTable;
}
