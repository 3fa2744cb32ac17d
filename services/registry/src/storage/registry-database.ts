import type { AuditOutboxDatabase } from "@opendsp/platform";
import type { ColumnType, Insertable, Selectable } from "kysely";

/** Kysely types of the registry schema (migrations/2026-11-22T0400-registry-schema.ts). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as a JSON string, read back as a value. */
type Json<T> = ColumnType<T, string, string>;

export interface PatientTable {
  patient_id: string;
  status: ColumnType<"active" | "merged", "active" | "merged" | undefined, "active" | "merged">;
  merged_into: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubmissionSetTable {
  entry_uuid: string;
  unique_id: string;
  patient_id: string;
  source_id: string;
  status: string;
  submission_time: string | null;
  submission_time_key: string | null;
  content_type_code: string | null;
  content_type_scheme: string | null;
  home_community_id: string | null;
  /** LeafClass XML rendered at registration, without status; NULL: render from `metadata`. */
  leaf_xml: ColumnType<string | null, string | null | undefined, string | null>;
  metadata: Json<unknown>;
  registered_at: Timestamp;
}

export interface AuthorTable {
  entry_uuid: string;
  person: string;
}

export interface DocumentEntryTable {
  entry_uuid: string;
  logical_id: string;
  version: ColumnType<number, number | undefined, number>;
  patient_id: string;
  unique_id: string;
  status: string;
  object_type: string;
  mime_type: string | null;
  hash: string | null;
  size: ColumnType<string | null, number | string | null, number | string | null>;
  repository_unique_id: string | null;
  home_community_id: string | null;
  creation_time_key: string | null;
  service_start_time_key: string | null;
  service_stop_time_key: string | null;
  class_code: string | null;
  class_code_scheme: string | null;
  format_code: string | null;
  format_code_scheme: string | null;
  healthcare_facility_type_code: string | null;
  healthcare_facility_type_code_scheme: string | null;
  practice_setting_code: string | null;
  practice_setting_code_scheme: string | null;
  type_code: string | null;
  type_code_scheme: string | null;
  submission_set_uuid: string;
  /** LeafClass XML rendered at registration, without status; NULL: render from `metadata`. */
  leaf_xml: ColumnType<string | null, string | null | undefined, string | null>;
  metadata: Json<unknown>;
  registered_at: Timestamp;
}

export interface DocumentEntryCodeTable {
  entry_uuid: string;
  attribute: "confidentialityCode" | "eventCodeList";
  code: string;
  coding_scheme: string;
}

export interface DocumentEntryReferenceIdTable {
  entry_uuid: string;
  reference_id: string;
}

export interface FolderTable {
  entry_uuid: string;
  logical_id: string;
  version: ColumnType<number, number | undefined, number>;
  patient_id: string;
  unique_id: string;
  status: string;
  last_update_time: string | null;
  last_update_time_key: string | null;
  home_community_id: string | null;
  /** LeafClass XML rendered at registration, without status; NULL: render from `metadata`. */
  leaf_xml: ColumnType<string | null, string | null | undefined, string | null>;
  metadata: Json<unknown>;
  registered_at: Timestamp;
}

export interface FolderCodeTable {
  entry_uuid: string;
  code: string;
  coding_scheme: string;
}

export interface AssociationTable {
  entry_uuid: string;
  association_type: string;
  source_uuid: string;
  target_uuid: string;
  status: string;
  /** LeafClass XML rendered at registration, without status; NULL: render from `metadata`. */
  leaf_xml: ColumnType<string | null, string | null | undefined, string | null>;
  metadata: Json<unknown>;
  registered_at: Timestamp;
}

/** One month of registration in the statistics (migrations/2026-12-06T0400-document-statistics.ts). */
export interface StatisticsMonthTable {
  month: string;
  new_records: number;
  recounted_at: Timestamp;
}

/** Documents registered in a month with one classCode and typeCode ('' when absent). */
export interface DocumentStatisticsTable {
  month: string;
  class_code: string;
  class_code_scheme: string;
  type_code: string;
  type_code_scheme: string;
  documents: number;
}

export interface RegistryDatabase extends AuditOutboxDatabase {
  patient: PatientTable;
  submission_set: SubmissionSetTable;
  submission_set_author: AuthorTable;
  document_entry: DocumentEntryTable;
  document_entry_code: DocumentEntryCodeTable;
  document_entry_author: AuthorTable;
  document_entry_reference_id: DocumentEntryReferenceIdTable;
  folder: FolderTable;
  folder_code: FolderCodeTable;
  association: AssociationTable;
  statistics_month: StatisticsMonthTable;
  document_statistics: DocumentStatisticsTable;
}

export type DocumentEntryRow = Selectable<DocumentEntryTable>;
export type NewDocumentEntryRow = Insertable<DocumentEntryTable>;
export type SubmissionSetRow = Selectable<SubmissionSetTable>;
export type FolderRow = Selectable<FolderTable>;
export type AssociationRow = Selectable<AssociationTable>;
