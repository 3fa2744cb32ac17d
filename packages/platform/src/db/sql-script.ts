import { sql, type Kysely } from "kysely";

/**
 * Runs a script of SQL statements (separated by `;` at a line end; `--` comment lines dropped) one statement at a
 * time: the embedded database's protocol takes a single statement per query. For migrations' schema scripts.
 */
export async function runSqlScript(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*\n/)) {
    const text = statement.replace(/^\s*--.*$/gm, "").trim();
    if (text) await sql.raw(text).execute(db);
  }
}
