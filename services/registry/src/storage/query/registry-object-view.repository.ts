import type { Association, DocumentEntry, Folder, Identifiable, PreRenderedObject, SubmissionSet } from "@opendsp/ebxml";
import { sql } from "kysely";
import type { LeafColumns, QueryDb } from "./query-filter.types.js";
import { anyOf } from "./sql-conditions.js";

/**
 * The stored XDS views of found objects, for LeafClass answers: the `metadata` JSON written by
 * submission.repository.ts with availabilityStatus put back from the `status` column (the one truth).
 * Returned in the order of the ids asked for; unknown ids are left out.
 */

interface ViewRow {
  readonly entry_uuid: string;
  readonly status: string;
  readonly metadata: unknown;
}

export async function loadDocumentEntryViews(db: QueryDb, uuids: readonly string[]): Promise<DocumentEntry[]> {
  if (uuids.length === 0) return [];
  const rows = await db.selectFrom("document_entry").select(["entry_uuid", "status", "metadata"]).where(anyOf("entry_uuid", uuids)).execute();
  return inOrder<DocumentEntry>(uuids, rows);
}

export async function loadSubmissionSetViews(db: QueryDb, uuids: readonly string[]): Promise<SubmissionSet[]> {
  if (uuids.length === 0) return [];
  const rows = await db.selectFrom("submission_set").select(["entry_uuid", "status", "metadata"]).where(anyOf("entry_uuid", uuids)).execute();
  return inOrder<SubmissionSet>(uuids, rows);
}

export async function loadFolderViews(db: QueryDb, uuids: readonly string[]): Promise<Folder[]> {
  if (uuids.length === 0) return [];
  const rows = await db.selectFrom("folder").select(["entry_uuid", "status", "metadata"]).where(anyOf("entry_uuid", uuids)).execute();
  return inOrder<Folder>(uuids, rows);
}

export async function loadAssociationViews(db: QueryDb, uuids: readonly string[]): Promise<Association[]> {
  if (uuids.length === 0) return [];
  const rows = await db.selectFrom("association").select(["entry_uuid", "status", "metadata"]).where(anyOf("entry_uuid", uuids)).execute();
  return inOrder<Association>(uuids, rows);
}

function inOrder<T extends { readonly entryUuid: string }>(uuids: readonly string[], rows: readonly ViewRow[]): T[] {
  const byId = new Map(rows.map((r) => [r.entry_uuid, r]));
  const out: T[] = [];
  for (const id of uuids) {
    const row = byId.get(id);
    if (row) out.push(viewOf<T>(row));
  }
  return out;
}

/** jsonb comes back parsed from both drivers; a string is parsed in case a driver hands the text over. */
function viewOf<T>(row: ViewRow): T {
  const stored: unknown = typeof row.metadata === "string" ? JSON.parse(row.metadata) : row.metadata;
  // The row was written from a view of this type by insertSubmission; only availabilityStatus was left out.
  return { ...(stored as T), availabilityStatus: row.status };
}

type ObjectTable = "document_entry" | "submission_set" | "folder" | "association";

interface LeafRow extends LeafColumns {
  readonly entry_uuid: string;
}

/**
 * LeafClass objects of one table in the order of the ids asked for: the XML stored at registration with its status
 * spliced in, or, where there is none (older rows, metadata changed since), the object rebuilt from its view.
 * The JSON is only read for the rows that need it.
 */
export async function loadLeafObjects<V extends { readonly entryUuid: string }>(
  db: QueryDb,
  table: ObjectTable,
  uuids: readonly string[],
  toRim: (view: V) => Identifiable,
): Promise<(PreRenderedObject | Identifiable)[]> {
  if (uuids.length === 0) return [];
  const rows: LeafRow[] = await db
    .selectFrom(table)
    .select(["entry_uuid", "status", "leaf_xml", sql<unknown>`CASE WHEN leaf_xml IS NULL THEN metadata END`.as("metadata")])
    .where(anyOf("entry_uuid", uuids))
    .execute();
  const byId = new Map(rows.map((r) => [r.entry_uuid, r]));
  const out: (PreRenderedObject | Identifiable)[] = [];
  for (const id of uuids) {
    const row = byId.get(id);
    if (row) out.push(leafObjectOf(row.entry_uuid, row, toRim));
  }
  return out;
}

/** One LeafClass object from its row: the stored XML with its status, or the object rebuilt from its view. */
export function leafObjectOf<V extends { readonly entryUuid: string }>(
  entryUuid: string,
  row: LeafColumns,
  toRim: (view: V) => Identifiable,
): PreRenderedObject | Identifiable {
  return row.leaf_xml === null
    ? toRim(viewOf<V>({ entry_uuid: entryUuid, status: row.status, metadata: row.metadata }))
    : { kind: "PreRendered", id: entryUuid, xml: row.leaf_xml, status: row.status };
}
