import {
  DOCUMENT_ENTRY_TYPE,
  associationToRim,
  documentEntryToRim,
  folderToRim,
  renderRegistryObject,
  submissionSetToRim,
  type Association,
  type DocumentEntry,
  type Folder,
  type Identifiable,
  type SubmissionSet,
} from "@opendsp/ebxml";
import { sql, type Compilable, type Insertable, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { dtmKey } from "./dtm-key.js";
import type {
  AssociationTable,
  AuthorTable,
  DocumentEntryCodeTable,
  DocumentEntryReferenceIdTable,
  DocumentEntryTable,
  FolderCodeTable,
  FolderTable,
  RegistryDatabase,
  SubmissionSetTable,
} from "./registry-database.js";

/** A checked submission with registry-assigned UUIDs and its final availabilityStatus on every object. */
export interface SubmissionToStore {
  readonly submissionSet: SubmissionSet;
  readonly documentEntries: readonly DocumentEntry[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
}

/** The rows of one or many submissions, table by table, ready for multi-row inserts. */
export interface SubmissionRows {
  readonly submissionSets: Insertable<SubmissionSetTable>[];
  readonly submissionSetAuthors: Insertable<AuthorTable>[];
  readonly folders: Insertable<FolderTable>[];
  readonly folderCodes: Insertable<FolderCodeTable>[];
  readonly documentEntries: Insertable<DocumentEntryTable>[];
  readonly documentEntryCodes: Insertable<DocumentEntryCodeTable>[];
  readonly documentEntryAuthors: Insertable<AuthorTable>[];
  readonly documentEntryReferenceIds: Insertable<DocumentEntryReferenceIdTable>[];
  readonly associations: Insertable<AssociationTable>[];
}

export function emptyRows(): SubmissionRows {
  return {
    submissionSets: [],
    submissionSetAuthors: [],
    folders: [],
    folderCodes: [],
    documentEntries: [],
    documentEntryCodes: [],
    documentEntryAuthors: [],
    documentEntryReferenceIds: [],
    associations: [],
  };
}

/** Inserts every row of a submission; the caller owns the transaction (all-or-nothing, ITI TF-2b 3.42.4.1.3). */
export async function insertSubmission(tx: Transaction<RegistryDatabase>, s: SubmissionToStore): Promise<void> {
  const rows = emptyRows();
  addSubmissionRows(rows, s);
  await insertRows(tx, rows);
}

/** Appends the rows of `s` to `rows` (bulk loads gather many submissions before one insert per table). */
export function addSubmissionRows(rows: SubmissionRows, s: SubmissionToStore): void {
  const ss = s.submissionSet;
  rows.submissionSets.push({
    entry_uuid: ss.entryUuid,
    unique_id: ss.uniqueId ?? "",
    patient_id: ss.patientId ?? "",
    source_id: ss.sourceId ?? "",
    status: status(ss),
    submission_time: ss.submissionTime ?? null,
    submission_time_key: dtmKey(ss.submissionTime),
    content_type_code: ss.contentTypeCode?.code ?? null,
    content_type_scheme: ss.contentTypeCode?.codingScheme ?? null,
    home_community_id: ss.homeCommunityId ?? null,
    metadata: viewJson(ss),
    leaf_xml: leafXml(ss, submissionSetToRim),
  });
  for (const a of ss.authors) if (a.person) rows.submissionSetAuthors.push({ entry_uuid: ss.entryUuid, person: a.person });
  for (const f of s.folders) {
    rows.folders.push({
      entry_uuid: f.entryUuid,
      logical_id: f.logicalId ?? f.entryUuid,
      patient_id: f.patientId ?? "",
      unique_id: f.uniqueId ?? "",
      status: status(f),
      last_update_time: f.lastUpdateTime ?? null,
      last_update_time_key: dtmKey(f.lastUpdateTime),
      home_community_id: f.homeCommunityId ?? null,
      metadata: viewJson(f),
      leaf_xml: leafXml(f, folderToRim),
    });
    for (const c of f.codeList) rows.folderCodes.push({ entry_uuid: f.entryUuid, code: c.code, coding_scheme: c.codingScheme });
  }
  for (const de of s.documentEntries) {
    rows.documentEntries.push(documentEntryRow(de, ss.entryUuid));
    for (const c of de.confidentialityCodes) {
      rows.documentEntryCodes.push({ entry_uuid: de.entryUuid, attribute: "confidentialityCode", code: c.code, coding_scheme: c.codingScheme });
    }
    for (const c of de.eventCodes) {
      rows.documentEntryCodes.push({ entry_uuid: de.entryUuid, attribute: "eventCodeList", code: c.code, coding_scheme: c.codingScheme });
    }
    for (const a of de.authors) if (a.person) rows.documentEntryAuthors.push({ entry_uuid: de.entryUuid, person: a.person });
    for (const r of de.referenceIdList) rows.documentEntryReferenceIds.push({ entry_uuid: de.entryUuid, reference_id: r });
  }
  for (const a of s.associations) {
    rows.associations.push({
      entry_uuid: a.entryUuid,
      association_type: a.associationType,
      source_uuid: a.sourceUuid,
      target_uuid: a.targetUuid,
      status: status(a),
      metadata: viewJson(a),
      leaf_xml: leafXml(a, associationToRim),
    });
  }
}

/** One multi-row insert per table, parents first, all sent as one statement. */
export async function insertRows(tx: Transaction<RegistryDatabase>, rows: SubmissionRows): Promise<void> {
  await runAsOneStatement(tx, rowInserts(tx, rows));
}

/** The inserts of `rows`, one per table that has rows, parents first. */
export function rowInserts(tx: Kysely<RegistryDatabase>, rows: SubmissionRows): Compilable[] {
  const out: Compilable[] = [];
  if (rows.submissionSets.length) out.push(tx.insertInto("submission_set").values(rows.submissionSets));
  if (rows.submissionSetAuthors.length) out.push(tx.insertInto("submission_set_author").values(rows.submissionSetAuthors));
  if (rows.folders.length) out.push(tx.insertInto("folder").values(rows.folders));
  if (rows.folderCodes.length) out.push(tx.insertInto("folder_code").values(rows.folderCodes));
  if (rows.documentEntries.length) out.push(tx.insertInto("document_entry").values(rows.documentEntries));
  if (rows.documentEntryCodes.length) out.push(tx.insertInto("document_entry_code").values(rows.documentEntryCodes));
  if (rows.documentEntryAuthors.length) out.push(tx.insertInto("document_entry_author").values(rows.documentEntryAuthors));
  if (rows.documentEntryReferenceIds.length) out.push(tx.insertInto("document_entry_reference_id").values(rows.documentEntryReferenceIds));
  if (rows.associations.length) out.push(tx.insertInto("association").values(rows.associations));
  return out;
}

/**
 * The rows and the audit row of a registration as register_rows_if_clear takes them (migration 2026-12-09T0400): one
 * JSON object, table name -> its rows, keys named as the columns; tables without rows are left out.
 */
export function registrationRowsJson(rows: SubmissionRows, audit: { readonly event_id: string; readonly record: string }): string {
  const tables: Record<string, readonly object[]> = { audit_outbox: [audit] };
  for (const [field, table] of Object.entries(TABLE_OF) as [keyof SubmissionRows, string][]) {
    if (rows[field].length > 0) tables[table] = rows[field];
  }
  return JSON.stringify(tables);
}

/** The table of each kind of row; a kind added to SubmissionRows must be named here (and written by the function). */
const TABLE_OF: Readonly<Record<keyof SubmissionRows, keyof RegistryDatabase>> = {
  submissionSets: "submission_set",
  submissionSetAuthors: "submission_set_author",
  folders: "folder",
  folderCodes: "folder_code",
  documentEntries: "document_entry",
  documentEntryCodes: "document_entry_code",
  documentEntryAuthors: "document_entry_author",
  documentEntryReferenceIds: "document_entry_reference_id",
  associations: "association",
};

/**
 * Runs data-modifying statements as one: all but the last become CTEs of the last (PostgreSQL runs data-modifying
 * WITH queries in one statement, with foreign keys checked at its end). One round trip instead of one per table
 * keeps a registration short.
 */
export async function runAsOneStatement(tx: Transaction<RegistryDatabase>, statements: readonly Compilable[]): Promise<void> {
  const statement = asOneStatement(statements);
  if (statement) await statement.execute(tx);
}

/** The statements as one (see runAsOneStatement); undefined when there are none. */
export function asOneStatement(statements: readonly Compilable[]): RawBuilder<unknown> | undefined {
  const last = statements[statements.length - 1];
  if (!last) return undefined;
  if (statements.length === 1) return sql`${last}`;
  const ctes = statements.slice(0, -1).map((q, i) => sql`${sql.id(`w${i}`)} AS (${q})`);
  return sql`WITH ${sql.join(ctes)} ${last}`;
}

/** The LeafClass XML of a view, rendered once here; the status is spliced in when a query answers with it. */
function leafXml<T extends { availabilityStatus?: string }>(view: T, toRim: (v: T) => Identifiable): string {
  return renderRegistryObject(toRim(withoutStatus(view)));
}

function withoutStatus<T extends { availabilityStatus?: string }>(view: T): T {
  const { availabilityStatus: _status, ...rest } = view;
  return rest as T;
}

/** The stored JSON view leaves out availabilityStatus: the `status` column is the one truth. */
function viewJson<T extends { availabilityStatus?: string }>(view: T): string {
  return JSON.stringify(withoutStatus(view));
}

function status(view: { availabilityStatus?: string }): string {
  if (view.availabilityStatus === undefined) throw new Error("availabilityStatus must be set before storing");
  return view.availabilityStatus;
}

function documentEntryRow(de: DocumentEntry, submissionSetUuid: string): Insertable<DocumentEntryTable> {
  return {
    entry_uuid: de.entryUuid,
    logical_id: de.logicalId ?? de.entryUuid,
    version: de.version === undefined ? 1 : Number.parseInt(de.version, 10) || 1,
    patient_id: de.patientId ?? "",
    unique_id: de.uniqueId ?? "",
    status: status(de),
    object_type: de.objectType ?? (de.type === "on-demand" ? DOCUMENT_ENTRY_TYPE.onDemand : DOCUMENT_ENTRY_TYPE.stable),
    mime_type: de.mimeType ?? null,
    hash: de.hash?.toLowerCase() ?? null,
    size: de.size ?? null,
    repository_unique_id: de.repositoryUniqueId ?? null,
    home_community_id: de.homeCommunityId ?? null,
    creation_time_key: dtmKey(de.creationTime),
    service_start_time_key: dtmKey(de.serviceStartTime),
    service_stop_time_key: dtmKey(de.serviceStopTime),
    class_code: de.classCode?.code ?? null,
    class_code_scheme: de.classCode?.codingScheme ?? null,
    format_code: de.formatCode?.code ?? null,
    format_code_scheme: de.formatCode?.codingScheme ?? null,
    healthcare_facility_type_code: de.healthcareFacilityTypeCode?.code ?? null,
    healthcare_facility_type_code_scheme: de.healthcareFacilityTypeCode?.codingScheme ?? null,
    practice_setting_code: de.practiceSettingCode?.code ?? null,
    practice_setting_code_scheme: de.practiceSettingCode?.codingScheme ?? null,
    type_code: de.typeCode?.code ?? null,
    type_code_scheme: de.typeCode?.codingScheme ?? null,
    submission_set_uuid: submissionSetUuid,
    metadata: viewJson(de),
    leaf_xml: leafXml(de, documentEntryToRim),
  };
}
