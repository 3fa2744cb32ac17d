import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import * as lz4MetadataCompression from "../migrations/2026-12-08T0400-lz4-metadata-compression.js";
import { withMigratedRegistryDatabase } from "./testing/migrated-registry-database.js";

/** attcompression of the LeafClass XML and metadata columns: 'l' lz4, 'p' pglz, '' the server's default. */
async function compressionOf(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ method: string }>`
    SELECT c.relname || '.' || a.attname || '=' || a.attcompression::text AS method
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relname IN ('document_entry', 'submission_set', 'folder', 'association')
       AND a.attname IN ('leaf_xml', 'metadata') AND c.relkind = 'r'
     ORDER BY 1`.execute(db);
  return rows.rows.map((r) => r.method);
}

const all = (method: string): string[] =>
  ["association", "document_entry", "folder", "submission_set"].flatMap((t) => [`${t}.leaf_xml=${method}`, `${t}.metadata=${method}`]);

describe("migration 2026-12-08T0400-lz4-metadata-compression", () => {
  it("compresses the LeafClass XML and metadata with lz4 on PostgreSQL, and down goes back to pglz", async () => {
    await withMigratedRegistryDatabase("postgres", async (db) => {
      expect(await compressionOf(db)).toEqual(all("l"));
      // A value long enough to be compressed (past about 2 KB) is stored with lz4 from now on.
      await sql`INSERT INTO association (entry_uuid, association_type, source_uuid, target_uuid, status, metadata, leaf_xml)
        VALUES ('urn:uuid:a', 'HasMember', 'urn:uuid:s', 'urn:uuid:t', 'Approved', '{}', repeat('<rim:Slot name="x"/>', 500))`.execute(db);
      const stored = await sql<{ method: string }>`SELECT pg_column_compression(leaf_xml) AS method FROM association`.execute(db);
      expect(stored.rows).toEqual([{ method: "lz4" }]);
      await lz4MetadataCompression.down(db);
      expect(await compressionOf(db)).toEqual(all("p"));
    });
  });

  it("leaves the embedded PGlite, built without lz4, on its default compression", async () => {
    await withMigratedRegistryDatabase("pglite", async (db) => {
      expect(await compressionOf(db)).toEqual(all(""));
    });
  });
});
