import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import * as registerRowsIfClear from "../migrations/2026-12-09T0400-register-rows-if-clear.js";
import { withMigratedRegistryDatabase } from "./testing/migrated-registry-database.js";

/** The registration functions the database holds, with their settings. */
async function registrationFunctions(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ fn: string }>`
    SELECT proname || coalesce(' ' || array_to_string(proconfig, ','), '') AS fn
      FROM pg_proc WHERE proname IN ('register_if_clear', 'register_rows_if_clear') ORDER BY 1`.execute(db);
  return rows.map((r) => r.fn);
}

describe("migration 2026-12-09T0400-register-rows-if-clear", () => {
  it("replaces register_if_clear by register_rows_if_clear, with generic plans, and down brings it back", async () => {
    await withMigratedRegistryDatabase("postgres", async (db) => {
      expect(await registrationFunctions(db)).toEqual(["register_rows_if_clear plan_cache_mode=force_generic_plan"]);
      await registerRowsIfClear.down(db);
      expect(await registrationFunctions(db)).toEqual(["register_if_clear standard_conforming_strings=on"]);
      await registerRowsIfClear.up(db);
      expect(await registrationFunctions(db)).toEqual(["register_rows_if_clear plan_cache_mode=force_generic_plan"]);
    });
  });
});
