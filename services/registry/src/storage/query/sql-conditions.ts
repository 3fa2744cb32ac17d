import { ASSOCIATION_TYPE } from "@opendsp/ebxml";
import { sql, type Expression, type SqlBool } from "kysely";
import type { CodeMatch, TimeRange } from "./query-filter.types.js";

/**
 * SQL fragments shared by the stored-query finders. Lists travel as one array parameter (`= ANY($1::text[])`):
 * one bind parameter whatever the list length, and PostgreSQL still uses the column's index.
 */

export function anyOf(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = ANY(${[...values]}::text[])`;
}

/** code AND scheme equal to one of the pairs (ITI TF-2a 3.18.4.1.2.3.5: both parts of code^^scheme must match). */
export function codeIn(codeColumn: string, schemeColumn: string, codes: readonly CodeMatch[]): Expression<SqlBool> {
  if (codes.length === 0) return sql<SqlBool>`FALSE`;
  const alternatives = codes.map((c) => sql<SqlBool>`(${sql.ref(codeColumn)} = ${c.code} AND ${sql.ref(schemeColumn)} = ${c.scheme})`);
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

/**
 * From inclusive, To exclusive on a 14-digit key (ITI TF-2a 3.18.4.1.2.3.7.1). A row without the attribute has a
 * NULL key and never matches a range, as the query asked about a time it does not carry.
 */
export function inRange(column: string, range: TimeRange): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (range.from !== undefined) out.push(sql<SqlBool>`${sql.ref(column)} >= ${range.from}`);
  if (range.to !== undefined) out.push(sql<SqlBool>`${sql.ref(column)} < ${range.to}`);
  return out;
}

/**
 * LIKE with the stored-query wildcards only (ITI TF-2a 3.18.4.1.2.3.3: % and _); ESCAPE '' turns off the backslash
 * escape so a backslash in a name is an ordinary character. Case-sensitive, patterns OR-ed.
 */
export function likeAny(column: string, patterns: readonly string[]): Expression<SqlBool> {
  if (patterns.length === 0) return sql<SqlBool>`FALSE`;
  const alternatives = patterns.map((p) => sql<SqlBool>`${sql.ref(column)} LIKE ${p} ESCAPE ''`);
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

/**
 * A HasMember association links the row's `own` id, at the association's `ownEnd`, to one of `others` at its other
 * end: members of given packages (own end "target"), or packages holding given members (own end "source").
 */
export function linkedByHasMember(own: string, ownEnd: "source" | "target", others: readonly string[]): Expression<SqlBool> {
  const [ownColumn, otherColumn] = ownEnd === "target" ? ["m.target_uuid", "m.source_uuid"] : ["m.source_uuid", "m.target_uuid"];
  return sql<SqlBool>`EXISTS (SELECT 1 FROM association AS m WHERE ${sql.ref(ownColumn)} = ${sql.ref(own)} AND m.association_type = ${ASSOCIATION_TYPE.hasMember} AND ${anyOf(otherColumn, others)})`;
}
