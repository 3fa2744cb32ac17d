import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The LeafClass XML and metadata JSON of every object are read whole by each LeafClass answer: 330 KB of XML, some
 * 3x compressed, for a patient with 50 documents. Decompressing them with PostgreSQL's default method (pglz) took a
 * tenth of the backend's CPU in such a read; with lz4 the registry's FindDocuments statement for that patient ran in
 * 1.03-1.10 ms instead of 1.20-1.40 ms (pgbench), for values some 5 % larger (2.09 KB instead of 1.98 KB). Only
 * values written from now on are compressed with lz4; those already stored keep pglz and stay readable. A server
 * built without lz4 (the embedded PGlite) keeps pglz: the migration then changes nothing.
 */
const COLUMNS = ["leaf_xml", "metadata"] as const;
const TABLES = ["document_entry", "submission_set", "folder", "association"] as const;

function setCompression(method: "lz4" | "pglz"): string {
  const alters = TABLES.map((table) => `ALTER TABLE ${table} ${COLUMNS.map((c) => `ALTER COLUMN ${c} SET COMPRESSION ${method}`).join(", ")};`);
  return `DO $$ BEGIN ${alters.join(" ")} EXCEPTION WHEN feature_not_supported THEN NULL; END $$;`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, setCompression("lz4"));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, setCompression("pglz"));
}
