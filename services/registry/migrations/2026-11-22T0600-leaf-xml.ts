import { sql, type Kysely } from "kysely";

/**
 * Each object's LeafClass XML as rendered at registration (without its status, which is spliced in when answering),
 * so a stored query does not render the same objects again and again. NULL means "render from the metadata JSON":
 * rows written before this migration and rows whose metadata changed since (folder lastUpdateTime, patient merge).
 */
const TABLES = ["document_entry", "submission_set", "folder", "association"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN leaf_xml text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN leaf_xml`.execute(db);
}
