import { mkdirSync } from "node:fs";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { AppError, messageOf } from "../errors/app-error.js";
import { callbackQueryPool } from "./callback-query-pool.js";
import { splitPrepareThreshold, statementNames } from "./prepared-statements.js";

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseOptions {
  /**
   * postgres://… for a real server; absent for the embedded PGlite. `prepareThreshold=N` in its query sets when
   * repeated statements are prepared (prepared-statements.ts; 0: never).
   */
  readonly url?: string | undefined;
  /** Folder of the embedded database; absent means in memory (tests). */
  readonly dataDir?: string | undefined;
  readonly maxConnections?: number;
  /** Told when an idle pooled connection dies (server restart, connection terminated). */
  readonly onIdleConnectionError?: (err: Error) => void;
}

export interface Database<DB> {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  close(): Promise<void>;
}

/**
 * Opens the service's database: PostgreSQL when a URL is given, otherwise embedded PGlite (the zero-setup
 * default). Both run the same migrations and the same queries through Kysely.
 */
export async function openDatabase<DB>(options: DatabaseOptions): Promise<Database<DB>> {
  if (options.url) {
    const { url, threshold } = splitPrepareThreshold(options.url);
    // No idle timeout: pg-pool arms it with a timer at every release of a connection, which was 3 % of the registry's
    // CPU time per FindDocuments (two releases each). A service keeps its few connections open; one the server
    // closes while idle is dropped from the pool (below) and replaced when needed.
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, idleTimeoutMillis: 0 });
    // An idle connection the server closes (restart, pg_terminate_backend) is emitted as an error on the pool; left
    // unhandled it would end the process. The pool drops that connection and the next query opens a new one.
    pool.on("error", (err) => options.onIdleConnectionError?.(err));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: callbackQueryPool(pool, statementNames(threshold)) }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return { db, kind: "pglite", close: () => db.destroy() };
  } catch (cause) {
    throw new AppError("DB_OPEN", `the embedded database could not be opened: ${messageOf(cause)}`, { cause });
  }
}
