import { createInProcessJobQueue, createLogger, encodeActorHeader, migrateToLatest, openDatabase, type Actor, type Database, type JobQueue } from "@opendsp/platform";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import { AUDIT_MIGRATIONS } from "../../migrations/index.js";
import { buildApp } from "../app.js";
import { loadAuditConfig, type AuditConfig } from "../config.js";
import type { AuditDatabase } from "../storage/audit-database.js";

/** The two database engines every integration test runs against. */
export const DATABASE_KINDS = ["postgres", "pglite"] as const;
export type DatabaseKindUnderTest = (typeof DATABASE_KINDS)[number];

export interface AuditUnderTest {
  readonly app: FastifyInstance;
  readonly db: Kysely<AuditDatabase>;
  readonly config: AuditConfig;
  readonly jobQueue: JobQueue;
  /** A request as the gateway makes it, with the actor in X-OpenDSP-Actor (none: no header). */
  call(method: "GET" | "POST", url: string, actor?: Actor, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A fresh, migrated audit database of the given kind (PostgreSQL: its own database on the local server). */
export async function openTestAuditDatabase(kind: DatabaseKindUnderTest): Promise<{ database: Database<AuditDatabase>; testDb: TestDatabase | undefined }> {
  const testDb = kind === "postgres" ? await createPostgresTestDatabase("opendsp_audit") : undefined;
  const database = await openDatabase<AuditDatabase>(testDb === undefined ? {} : { url: testDb.url, maxConnections: 5 });
  await migrateToLatest(database.db as Kysely<unknown>, AUDIT_MIGRATIONS);
  return { database, testDb };
}

/** The audit service's app on a fresh database, with the in-process queue of the embedded platform. */
export async function startAudit(kind: DatabaseKindUnderTest, env: Record<string, string> = {}): Promise<AuditUnderTest> {
  const { database, testDb } = await openTestAuditDatabase(kind);
  const config = loadAuditConfig(env);
  const logger = createLogger({ service: "audit", level: "silent" });
  const jobQueue = createInProcessJobQueue({ prefix: "audit-test", logger });
  const app = buildApp(config, { db: database.db, jobQueue, now: () => new Date("2026-12-06T02:00:00Z"), logger });
  await app.ready();
  return {
    app,
    db: database.db,
    config,
    jobQueue,
    call: (method, url, actor, body) =>
      app.inject({
        method,
        url,
        headers: actor ? { "x-opendsp-actor": encodeActorHeader(actor) } : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    close: async () => {
      await app.close();
      await jobQueue.close();
      await database.close();
      await testDb?.drop();
    },
  };
}
