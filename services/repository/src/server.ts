import {
  AppError,
  createBlobStore,
  createJobQueue,
  createLogger,
  migrateToLatest,
  openDatabase,
  pendingMigrations,
  startAuditOutboxRelay,
  type RunningAuditOutboxRelay,
  type Database,
  type JobQueue,
} from "@opendsp/platform";
import type { Kysely } from "kysely";
import { join } from "node:path";
import { REPOSITORY_MIGRATIONS } from "../migrations/index.js";
import { REPOSITORY_SOAP_PATH, buildApp } from "./app.js";
import { loadRepositoryConfig } from "./config.js";
import { scheduleOrphanSweeps, startOrphanSweeper } from "./jobs/orphan-sweeper.job.js";
import type { RepositoryDatabase } from "./storage/repository-database.js";

/** Starts the repository: configuration, database and migrations, blob store, audit relay, HTTP endpoint, orphan sweeper. */
export async function startRepositoryServer(env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = loadRepositoryConfig(env);
  const logger = createLogger({ service: "repository", level: config.LOG_LEVEL });
  const database = await openDatabase<RepositoryDatabase>({
    url: config.DATABASE_URL,
    dataDir: join(config.REPOSITORY_DATA_DIR, "db"),
    onIdleConnectionError: (err) => logger.warn({ err }, "an idle database connection was closed by the server"),
  });
  const blobs = createBlobStore({
    S3_ENDPOINT: config.S3_ENDPOINT,
    S3_ACCESS_KEY: config.S3_ACCESS_KEY,
    S3_SECRET_KEY: config.S3_SECRET_KEY,
    S3_BUCKET: config.S3_BUCKET,
    S3_REGION: config.S3_REGION,
    dataDir: join(config.REPOSITORY_DATA_DIR, "blobs"),
  });
  let applied: string[];
  try {
    applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, REPOSITORY_MIGRATIONS) : await requireMigratedSchema(database);
    await blobs.ensureReady();
  } catch (e) {
    // A schema behind the code or an unreachable blob store: nothing is left open behind the failed start.
    await database.close();
    throw e;
  }
  logger.info({ database: database.kind, migrations: applied.length, blobs: config.S3_ENDPOINT ? "s3" : "folder" }, "repository storage ready");
  let relay: RunningAuditOutboxRelay | undefined;
  const deps = { config, db: database.db, blobs, auditWritten: () => relay?.notify() };
  const app = buildApp(deps, logger);
  const sweeper = startOrphanSweeper(deps, logger);
  let jobs: JobQueue | undefined;
  let address: string;
  try {
    relay = await startAuditOutboxRelay(database, { redisUrl: config.REDIS_URL, auditUrl: config.AUDIT_URL, queuePrefix: config.AUDIT_QUEUE_PREFIX }, logger);
    // In-process jobs, or BullMQ when REDIS_URL is set; a start that fails here leaves nothing open behind it.
    jobs = await createJobQueue({ redisUrl: config.REDIS_URL, prefix: config.REPOSITORY_JOBS_PREFIX ?? `opendsp:repository:${config.REPOSITORY_UNIQUE_ID}`, logger });
    address = await app.listen({ host: config.REPOSITORY_HOST, port: config.REPOSITORY_PORT });
    await scheduleOrphanSweeps(jobs, sweeper, config.REPOSITORY_SWEEP_INTERVAL_SECONDS);
  } catch (e) {
    await jobs?.close();
    await app.close();
    await relay?.close();
    await database.close();
    throw e;
  }
  const queue = jobs;
  logger.info({ soap: `${address}${REPOSITORY_SOAP_PATH}`, jobs: queue.backend }, "repository listening");
  return {
    address,
    soapUrl: `${address}${REPOSITORY_SOAP_PATH}`,
    async close(): Promise<void> {
      await queue.close();
      await sweeper.stop();
      await app.close();
      await relay?.close();
      await database.close();
    },
  };
}

/**
 * MIGRATE_ON_START=false: `migrate.ts` brings the schema up before a new version starts (deploy/README.md). A schema
 * behind the code would fail at the first query that needs the missing part, so the repository refuses to start.
 */
async function requireMigratedSchema(database: Database<RepositoryDatabase>): Promise<string[]> {
  const missing = await pendingMigrations(database.db as Kysely<unknown>, REPOSITORY_MIGRATIONS);
  if (missing.length === 0) return [];
  throw new AppError(
    "REPO_SCHEMA_NOT_MIGRATED",
    `the repository database lacks migrations ${missing.join(", ")} and MIGRATE_ON_START is false: run services/repository/src/migrate.ts first`,
  );
}
