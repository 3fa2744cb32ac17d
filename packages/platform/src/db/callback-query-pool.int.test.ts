import { sql, type Kysely } from "kysely";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./database.js";

interface Tables {
  note: { id: number; body: string };
}

describe("openDatabase on PostgreSQL (queries sent in pg's callback form)", () => {
  let server: TestDatabase;
  let database: Database<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    server = await createPostgresTestDatabase("opendsp_test_pool");
    database = await openDatabase<Tables>({ url: server.url, maxConnections: 2 });
    db = database.db;
    await sql`CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL)`.execute(db);
  });

  afterAll(async () => {
    await database.close();
    await server.drop();
  });

  it("returns rows and counts of writes", async () => {
    const inserted = await db.insertInto("note").values([{ id: 1, body: "Lettre de sortie" }, { id: 2, body: "Résultat" }]).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    const rows = await db.selectFrom("note").selectAll().orderBy("id").execute();
    expect(rows).toEqual([{ id: 1, body: "Lettre de sortie" }, { id: 2, body: "Résultat" }]);
  });

  it("keeps a transaction on one connection: a failure inside it leaves nothing behind", async () => {
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto("note").values({ id: 10, body: "written, then rolled back" }).execute();
        await tx.insertInto("note").values({ id: 10, body: "duplicate key" }).execute();
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await db.selectFrom("note").select("id").where("id", "=", 10).execute()).toEqual([]);

    await db.transaction().execute(async (tx) => {
      await tx.insertInto("note").values({ id: 11, body: "committed" }).execute();
    });
    expect(await db.selectFrom("note").select("body").where("id", "=", 11).execute()).toEqual([{ body: "committed" }]);
  });

  it("rejects with the server's SQLSTATE and keeps serving afterwards", async () => {
    await expect(sql`SELECT * FROM no_such_table`.execute(db)).rejects.toMatchObject({ code: "42P01" });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sql<{ n: number }>`SELECT ${i}::int AS n`.execute(db)));
    expect(results.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("reuses an idle connection, and replaces one the server closes while it is idle", async () => {
    const errors: Error[] = [];
    const own = await openDatabase<Tables>({ url: server.url, maxConnections: 1, onIdleConnectionError: (err) => errors.push(err) });
    try {
      const first = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(own.db);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const same = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(own.db);
      expect(same.rows[0]?.pid).toBe(first.rows[0]?.pid);
      await sql`SELECT pg_terminate_backend(${first.rows[0]?.pid})`.execute(db);
      await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1);
      const next = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(own.db);
      expect(next.rows[0]?.pid).not.toBe(first.rows[0]?.pid);
    } finally {
      await own.close();
    }
  });

  it("survives a connection that dies while checked out: the transaction fails, the pool serves on", async () => {
    const killed = db.transaction().execute(async (tx) => {
      const pid = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      // Terminated from another connection while this one is held by the transaction and idle.
      await sql`SELECT pg_terminate_backend(${pid.rows[0]?.pid})`.execute(db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`SELECT 1`.execute(tx);
    });
    await expect(killed).rejects.toThrow();
    const after = await Promise.all(Array.from({ length: 4 }, (_, i) => sql<{ n: number }>`SELECT ${i}::int AS n`.execute(db)));
    expect(after.map((r) => r.rows[0]?.n)).toEqual([0, 1, 2, 3]);
  });
});
