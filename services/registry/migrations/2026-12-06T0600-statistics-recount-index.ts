import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The statistics recount counts a month's documents per classCode and typeCode. With the codes in the index that
 * finds the month, it reads the index alone (an index-only scan) instead of every row of the month in the table,
 * whose rows carry the metadata JSON and LeafClass XML: about 1 s instead of 3 s for a month of a million documents.
 * The index also answers what the plain registered_at index did (ranges, min and max), so that one goes.
 * IF NOT EXISTS: a large registry may build it beforehand with CREATE INDEX CONCURRENTLY, without blocking writes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE INDEX IF NOT EXISTS document_entry_registered_at_codes
      ON document_entry (registered_at) INCLUDE (class_code, class_code_scheme, type_code, type_code_scheme);
    DROP INDEX document_entry_registered_at;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `CREATE INDEX document_entry_registered_at ON document_entry (registered_at);
     DROP INDEX document_entry_registered_at_codes;`,
  );
}
