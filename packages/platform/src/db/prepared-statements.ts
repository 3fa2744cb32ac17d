import { createHash } from "node:crypto";
import { AppError } from "../errors/app-error.js";

/**
 * Names for the statements a service sends again and again, so that PostgreSQL parses and plans each one once per
 * connection (a named statement of the extended query protocol) instead of at every execution. On the registry's
 * FindDocuments read (50 rows), parsing and planning were about 0.1 ms of a 0.75 ms round trip.
 *
 * The policy is pgJDBC's default one: a statement text is named at its 5th execution (prepareThreshold=5), and at
 * most 256 texts are named (preparedStatementCacheQueries=256), which bounds the statements every connection keeps
 * on the server. Texts run fewer times (one-off statements, IN lists of rare lengths) stay unnamed.
 */
export interface StatementNames {
  /** The name to send `sql` under, or undefined to send it unnamed. */
  nameFor(sql: string): string | undefined;
  /**
   * The server refused a named statement because its result type changed (a column altered under it): every text
   * gets a new name, so other connections prepare afresh instead of failing one query each.
   */
  renew(): void;
}

export const DEFAULT_PREPARE_THRESHOLD = 5;
const MAX_NAMED = 256;
// Texts being counted towards the threshold; forgetting them only delays their naming.
const MAX_COUNTED = 4096;
// Only these are planned; naming transaction control or DDL would save nothing.
const PLANNED = /^\s*(?:select|insert|update|delete|with)\b/i;

/** The naming policy, or undefined when `threshold` is 0 (every statement unnamed). */
export function statementNames(threshold: number): StatementNames | undefined {
  if (threshold <= 0) return undefined;
  let generation = 0;
  const counted = new Map<string, number>();
  const named = new Map<string, string>();
  return {
    nameFor(sql) {
      const name = named.get(sql);
      if (name !== undefined) return name;
      if (named.size >= MAX_NAMED || !PLANNED.test(sql)) return undefined;
      const runs = (counted.get(sql) ?? 0) + 1;
      if (runs < threshold) {
        if (counted.size >= MAX_COUNTED) counted.clear();
        counted.set(sql, runs);
        return undefined;
      }
      counted.delete(sql);
      const fresh = `opendsp_${generation}_${createHash("sha1").update(sql).digest("hex").slice(0, 32)}`;
      named.set(sql, fresh);
      return fresh;
    },
    renew() {
      generation++;
      named.clear();
      counted.clear();
    },
  };
}

/** PostgreSQL's answer when a named statement's cached plan would now return other columns (SQLSTATE 0A000). */
export function isStalePlan(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === "0A000" && err.message.includes("cached plan must not change result type");
}

/**
 * `prepareThreshold` in the query of a postgres:// URL, named as in pgJDBC: the executions after which a statement
 * is prepared, 0 for never (a connection pooler that does not keep named statements, such as PgBouncer before
 * 1.21 in transaction mode). Returned apart from the URL, which keeps every other parameter for pg.
 */
export function splitPrepareThreshold(url: string): { readonly url: string; readonly threshold: number } {
  const parsed = new URL(url);
  const value = parsed.searchParams.get("prepareThreshold");
  if (value === null) return { url, threshold: DEFAULT_PREPARE_THRESHOLD };
  if (!/^\d{1,6}$/.test(value)) {
    throw new AppError("DB_CONFIG", `prepareThreshold in the database URL must be a whole number of executions (0 turns prepared statements off), not ${JSON.stringify(value)}`);
  }
  parsed.searchParams.delete("prepareThreshold");
  return { url: parsed.toString(), threshold: Number(value) };
}
