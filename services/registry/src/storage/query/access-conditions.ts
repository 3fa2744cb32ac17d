import { sql, type Expression, type SqlBool } from "kysely";
import type { AccessRestriction } from "./query-filter.types.js";
import { anyOf } from "./sql-conditions.js";

/**
 * The access restriction as SQL, added to the WHERE clause of every stored-query finder. Filtering in the statement
 * (never on rows already read) keeps the LIMIT, the XDSTooManyResults count and the answer about visible objects
 * only, so nothing in an answer hints that a hidden object exists (ITI TF-2a 3.18.4.1.2.3: a query for objects the
 * actor may not see answers like one for objects that do not exist). Every check is on an indexed column: the
 * patient indexes, or primary keys and document_entry_author_entry for the per-row lookups.
 */

/** A SubmissionSet or Folder row (`alias`) of a visible patient. */
export function patientObjectVisible(alias: string, access: AccessRestriction): Expression<SqlBool> {
  return anyOf(`${alias}.patient_id`, access.patientIds);
}

/**
 * A DocumentEntry row (`alias`) of a visible patient that is not hidden. A hidden entry stays visible to its author:
 * the exemption compares authorId with XCN.1 of each authorPerson, the text before the first `^` (ITI TF-3
 * 4.2.3.2.1 authorPerson is an XCN), exactly; an authorPerson without an id never matches.
 */
export function documentEntryVisible(alias: string, access: AccessRestriction): Expression<SqlBool> {
  const ofPatient = anyOf(`${alias}.patient_id`, access.patientIds);
  if (access.hiddenDocumentUniqueIds.length === 0) return ofPatient;
  const hidden = anyOf(`${alias}.unique_id`, access.hiddenDocumentUniqueIds);
  const authorId = access.authorId;
  // An empty id would match every authorPerson that has no id; the header parser refuses one, this is the backstop.
  if (authorId === undefined || authorId === "") return sql<SqlBool>`(${ofPatient} AND NOT ${hidden})`;
  const byAuthor = sql<SqlBool>`EXISTS (SELECT 1 FROM document_entry_author AS acl_a WHERE acl_a.entry_uuid = ${sql.ref(`${alias}.entry_uuid`)} AND split_part(acl_a.person, '^', 1) = ${authorId})`;
  return sql<SqlBool>`(${ofPatient} AND NOT (${hidden} AND NOT ${byAuthor}))`;
}

/**
 * The registry object `idColumn` names is a visible DocumentEntry, SubmissionSet or Folder. An id that names none
 * of them (nothing registered under it) is not visible: an association is shown only when both its ends are known
 * to be visible.
 */
function objectVisible(idColumn: string, access: AccessRestriction, depth: number): Expression<SqlBool> {
  const id = sql.ref(idColumn);
  const de = `acl_de${depth}`;
  const ss = `acl_ss${depth}`;
  const fd = `acl_fd${depth}`;
  return sql<SqlBool>`(EXISTS (SELECT 1 FROM document_entry AS ${sql.raw(de)} WHERE ${sql.ref(`${de}.entry_uuid`)} = ${id} AND ${documentEntryVisible(de, access)})
    OR EXISTS (SELECT 1 FROM submission_set AS ${sql.raw(ss)} WHERE ${sql.ref(`${ss}.entry_uuid`)} = ${id} AND ${patientObjectVisible(ss, access)})
    OR EXISTS (SELECT 1 FROM folder AS ${sql.raw(fd)} WHERE ${sql.ref(`${fd}.entry_uuid`)} = ${id} AND ${patientObjectVisible(fd, access)}))`;
}

/**
 * An Association row (`alias`) whose source and target are both visible. Associations carry no patient of their own:
 * they belong to the patient of what they link. A target may itself be an Association (the SubmissionSet HasMember
 * that records a Folder HasMember, ITI TF-3 4.2.2.1.2): then both ends of that one must be visible. Associations
 * between associations go no deeper in XDS.
 */
export function associationVisible(alias: string, access: AccessRestriction): Expression<SqlBool> {
  const target = sql.ref(`${alias}.target_uuid`);
  const targetAssociation = sql<SqlBool>`EXISTS (SELECT 1 FROM association AS acl_t WHERE acl_t.entry_uuid = ${target} AND ${objectVisible("acl_t.source_uuid", access, 2)} AND ${objectVisible("acl_t.target_uuid", access, 3)})`;
  return sql<SqlBool>`(${objectVisible(`${alias}.source_uuid`, access, 0)} AND (${objectVisible(`${alias}.target_uuid`, access, 1)} OR ${targetAssociation}))`;
}
