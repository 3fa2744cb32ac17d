import { migrateToLatest, openDatabase } from "@opendsp/platform";
import { createPostgresTestDatabase } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { REGISTRY_MIGRATIONS } from "../../migrations/index.js";

/**
 * Runs `work` on a registry database brought to the latest migration: a fresh PostgreSQL database ("postgres"),
 * dropped afterwards, or an in-memory PGlite ("pglite"). For tests of single migrations.
 */
export async function withMigratedRegistryDatabase(kind: "postgres" | "pglite", work: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
  const testDb = kind === "postgres" ? await createPostgresTestDatabase("opendsp_registry") : undefined;
  const database = await openDatabase<unknown>({ url: testDb?.url });
  try {
    await migrateToLatest(database.db, REGISTRY_MIGRATIONS);
    await work(database.db);
  } finally {
    await database.close();
    await testDb?.drop();
  }
}
