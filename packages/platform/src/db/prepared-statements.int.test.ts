import { sql, type Kysely } from "kysely";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";

interface Tables {
  note: { id: number; body: string };
}

/**
 * Runs `work` on a database of one connection, closed afterwards: the statements it prepared are then the ones
 * pg_prepared_statements lists.
 */
async function onOneConnection(url: string, work: (db: Kysely<Tables>) => Promise<void>): Promise<void> {
  const database = await openDatabase<Tables>({ url, maxConnections: 1 });
  try {
    await work(database.db);
  } finally {
    await database.close();
  }
}

function bodyOf(db: Kysely<Tables>, id: number) {
  return db.selectFrom("note").select("body").where("id", "=", id);
}

async function preparedTexts(db: Kysely<Tables>): Promise<string[]> {
  // Run fewer than five times per database opened, so that this read is never prepared itself.
  const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE from_sql = false`.execute(db);
  return rows.map((r) => r.statement);
}

/** Prepares the read of note `id`, changes the type of the column it returns, runs `work`, then restores the type. */
async function afterTypeChange(db: Kysely<Tables>, id: number, work: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 6; i++) await bodyOf(db, id).execute();
  await sql`ALTER TABLE note ALTER COLUMN body TYPE varchar(200)`.execute(db);
  try {
    await work();
  } finally {
    await sql`ALTER TABLE note ALTER COLUMN body TYPE text`.execute(db).catch(() => undefined);
  }
}

/** The connection that met the stale statement was closed: the read runs on a new one and is prepared under a new name. */
async function expectPreparedAfresh(db: Kysely<Tables>, id: number, body: string): Promise<void> {
  for (let i = 0; i < 6; i++) expect(await bodyOf(db, id).execute()).toEqual([{ body }]);
  expect(await preparedTexts(db)).toEqual([bodyOf(db, id).compile().sql]);
}

describe("prepared statements on PostgreSQL (prepareThreshold in DATABASE_URL)", () => {
  let server: TestDatabase;

  beforeAll(async () => {
    server = await createPostgresTestDatabase("opendsp_test_prepared");
    await onOneConnection(server.url, async (db) => {
      await sql`CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL)`.execute(db);
      await db.insertInto("note").values([{ id: 1, body: "Lettre de sortie" }, { id: 2, body: "Résultat" }]).execute();
    });
  });

  afterAll(async () => {
    await server.drop();
  });

  it("prepares a statement on the connection at its 5th execution and answers from it with each run's values", async () => {
    await onOneConnection(server.url, async (db) => {
      const text = bodyOf(db, 1).compile().sql;
      for (let i = 0; i < 4; i++) await bodyOf(db, 1).execute();
      expect(await preparedTexts(db)).not.toContain(text);
      expect(await bodyOf(db, 1).execute()).toEqual([{ body: "Lettre de sortie" }]);
      expect(await preparedTexts(db)).toContain(text);
      expect(await bodyOf(db, 2).execute()).toEqual([{ body: "Résultat" }]);
      expect(await bodyOf(db, 3).execute()).toEqual([]);
    });
  });

  it("prepares nothing with prepareThreshold=0", async () => {
    const url = new URL(server.url);
    url.searchParams.set("prepareThreshold", "0");
    await onOneConnection(url.toString(), async (db) => {
      for (let i = 0; i < 10; i++) expect(await bodyOf(db, 2).execute()).toEqual([{ body: "Résultat" }]);
      expect(await preparedTexts(db)).toEqual([]);
    });
  });

  it("keeps a prepared write inside a transaction all-or-nothing", async () => {
    await onOneConnection(server.url, async (db) => {
      try {
        for (let id = 10; id < 16; id++) await db.insertInto("note").values({ id, body: "prepared insert" }).execute();
        await expect(
          db.transaction().execute(async (tx) => {
            await tx.insertInto("note").values({ id: 20, body: "rolled back" }).execute();
            await tx.insertInto("note").values({ id: 10, body: "duplicate key" }).execute();
          }),
        ).rejects.toMatchObject({ code: "23505" });
        expect(await bodyOf(db, 20).execute()).toEqual([]);
        await db.insertInto("note").values({ id: 21, body: "after the rollback" }).execute();
        expect(await bodyOf(db, 21).execute()).toEqual([{ body: "after the rollback" }]);
      } finally {
        await db.deleteFrom("note").where("id", ">=", 10).execute();
      }
    });
  });

  it("answers a statement of its own again, unnamed, when a column changes type under its prepared statement", async () => {
    await onOneConnection(server.url, async (db) => {
      await afterTypeChange(db, 1, async () => {
        expect(await bodyOf(db, 1).execute()).toEqual([{ body: "Lettre de sortie" }]);
        await expectPreparedAfresh(db, 1, "Lettre de sortie");
      });
    });
  });

  it("fails the transaction whose prepared statement went stale, then prepares the statement afresh", async () => {
    await onOneConnection(server.url, async (db) => {
      try {
        await afterTypeChange(db, 2, async () => {
          await expect(
            db.transaction().execute(async (tx) => {
              await tx.insertInto("note").values({ id: 30, body: "in the failed transaction" }).execute();
              await bodyOf(tx, 2).execute();
            }),
          ).rejects.toMatchObject({ code: "0A000" });
          expect(await bodyOf(db, 30).execute()).toEqual([]);
          await expectPreparedAfresh(db, 2, "Résultat");
        });
      } finally {
        await db.deleteFrom("note").where("id", ">=", 30).execute();
      }
    });
  });
});
