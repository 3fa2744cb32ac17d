import { sql, type Kysely } from "kysely";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./database.js";

interface Tables {
  note: { id: number; body: string };
}

/** One connection, so that the statements it prepared are the ones pg_prepared_statements lists. */
async function openOneConnection(url: string): Promise<Database<Tables>> {
  return openDatabase<Tables>({ url, maxConnections: 1 });
}

function bodyOf(db: Kysely<Tables>, id: number) {
  return db.selectFrom("note").select("body").where("id", "=", id);
}

async function preparedTexts(db: Kysely<Tables>): Promise<string[]> {
  // Run fewer than five times per database opened, so that this read is never prepared itself.
  const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE from_sql = false`.execute(db);
  return rows.map((r) => r.statement);
}

describe("prepared statements on PostgreSQL (prepareThreshold in DATABASE_URL)", () => {
  let server: TestDatabase;

  beforeAll(async () => {
    server = await createPostgresTestDatabase("opendsp_test_prepared");
    const setup = await openOneConnection(server.url);
    await sql`CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL)`.execute(setup.db);
    await setup.db.insertInto("note").values([{ id: 1, body: "Lettre de sortie" }, { id: 2, body: "Résultat" }]).execute();
    await setup.close();
  });

  afterAll(async () => {
    await server.drop();
  });

  it("prepares a statement on the connection at its 5th execution and answers from it with each run's values", async () => {
    const database = await openOneConnection(server.url);
    try {
      const text = bodyOf(database.db, 1).compile().sql;
      for (let i = 0; i < 4; i++) await bodyOf(database.db, 1).execute();
      expect(await preparedTexts(database.db)).not.toContain(text);
      expect(await bodyOf(database.db, 1).execute()).toEqual([{ body: "Lettre de sortie" }]);
      expect(await preparedTexts(database.db)).toContain(text);
      expect(await bodyOf(database.db, 2).execute()).toEqual([{ body: "Résultat" }]);
      expect(await bodyOf(database.db, 3).execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("prepares nothing with prepareThreshold=0", async () => {
    const url = new URL(server.url);
    url.searchParams.set("prepareThreshold", "0");
    const database = await openOneConnection(url.toString());
    try {
      for (let i = 0; i < 10; i++) expect(await bodyOf(database.db, 2).execute()).toEqual([{ body: "Résultat" }]);
      expect(await preparedTexts(database.db)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("keeps a prepared write inside a transaction all-or-nothing", async () => {
    const database = await openOneConnection(server.url);
    try {
      for (let id = 10; id < 16; id++) await database.db.insertInto("note").values({ id, body: "prepared insert" }).execute();
      await expect(
        database.db.transaction().execute(async (tx) => {
          await tx.insertInto("note").values({ id: 20, body: "rolled back" }).execute();
          await tx.insertInto("note").values({ id: 10, body: "duplicate key" }).execute();
        }),
      ).rejects.toMatchObject({ code: "23505" });
      expect(await bodyOf(database.db, 20).execute()).toEqual([]);
      await database.db.insertInto("note").values({ id: 21, body: "after the rollback" }).execute();
      expect(await bodyOf(database.db, 21).execute()).toEqual([{ body: "after the rollback" }]);
    } finally {
      await database.db.deleteFrom("note").where("id", ">=", 10).execute();
      await database.close();
    }
  });

  it("fails one query when a column changes type under its prepared statement, then prepares it afresh", async () => {
    const database = await openOneConnection(server.url);
    try {
      const text = bodyOf(database.db, 1).compile().sql;
      for (let i = 0; i < 6; i++) await bodyOf(database.db, 1).execute();
      await sql`ALTER TABLE note ALTER COLUMN body TYPE varchar(200)`.execute(database.db);
      await expect(bodyOf(database.db, 1).execute()).rejects.toMatchObject({ code: "0A000" });
      // That connection was closed: the next ones run on a new connection and prepare under a new name.
      for (let i = 0; i < 6; i++) expect(await bodyOf(database.db, 1).execute()).toEqual([{ body: "Lettre de sortie" }]);
      expect(await preparedTexts(database.db)).toEqual([text]);
    } finally {
      await sql`ALTER TABLE note ALTER COLUMN body TYPE text`.execute(database.db).catch(() => undefined);
      await database.close();
    }
  });
});
