import {
  AppError,
  createLogger,
  migrateToLatest,
  openDatabase,
  pendingMigrations,
  startAuditOutboxRelay,
  type RunningAuditOutboxRelay,
  type Database,
} from "@opendsp/platform";
import type { Kysely } from "kysely";
import { REGISTRY_MIGRATIONS } from "../migrations/index.js";
import { buildApp, REGISTRY_SOAP_PATH } from "./app.js";
import { loadAffinityDomainCodes } from "./codes.js";
import { loadRegistryConfig } from "./config.js";
import { startRegistryJobs, type RegistryJobs } from "./jobs/registry-jobs.js";
import { startPatientFeedListener } from "./patient-feed/patient-feed.listener.js";
import type { RegistryDatabase } from "./storage/registry-database.js";

/** Starts the registry: configuration, database and migrations, audit relay, HTTP endpoint, ITI-8 listener. */
export async function startRegistryServer(env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = loadRegistryConfig(env);
  const logger = createLogger({ service: "registry", level: config.LOG_LEVEL });
  const codes = loadAffinityDomainCodes(config.REGISTRY_CODES);
  const database = await openDatabase<RegistryDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.REGISTRY_DATA_DIR,
    onIdleConnectionError: (err) => logger.warn({ err }, "an idle database connection was closed by the server"),
  });
  let relay: RunningAuditOutboxRelay | undefined;
  const deps = { config, db: database.db, codes, auditWritten: () => relay?.notify() };
  let app: ReturnType<typeof buildApp> | undefined;
  let address: string;
  let feed: Awaited<ReturnType<typeof startPatientFeedListener>> | undefined;
  let jobs: RegistryJobs | undefined;
  try {
    const applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, REGISTRY_MIGRATIONS) : await requireMigratedSchema(database);
    logger.info({ database: database.kind, migrations: applied.length, codes: codes ? "affinity domain" : "open domain" }, "registry database ready");
    relay = await startAuditOutboxRelay(database, { redisUrl: config.REDIS_URL, auditUrl: config.AUDIT_URL, queuePrefix: config.AUDIT_QUEUE_PREFIX }, logger);
    jobs = await startRegistryJobs(config, database.db, logger);
    const statistics = jobs.statistics;
    app = buildApp({ ...deps, afterRegistration: (uuid) => statistics.afterRegistration(uuid) }, logger);
    address = await app.listen({ host: config.REGISTRY_HOST, port: config.REGISTRY_PORT });
    feed = config.HL7_MLLP_PORT >= 0 ? await startPatientFeedListener(deps, logger) : undefined;
  } catch (e) {
    // A start that fails (schema, port taken, MLLP port taken) leaves nothing open behind it.
    await app?.close();
    await jobs?.close();
    await relay?.close();
    await database.close();
    throw e;
  }
  const http = app;
  const queue = jobs;
  logger.info({ soap: `${address}${REGISTRY_SOAP_PATH}`, mllpPort: feed?.port }, "registry listening");
  return {
    address,
    soapUrl: `${address}${REGISTRY_SOAP_PATH}`,
    mllpPort: feed?.port,
    async close(): Promise<void> {
      await feed?.close();
      await http.close();
      await queue.close();
      await relay?.close();
      await database.close();
    },
  };
}

/**
 * MIGRATE_ON_START=false: `migrate.ts` brings the schema up before a new version starts (deploy/README.md). A schema
 * behind the code would fail at the first query that needs the missing part, so the registry refuses to start.
 */
async function requireMigratedSchema(database: Database<RegistryDatabase>): Promise<string[]> {
  const missing = await pendingMigrations(database.db as Kysely<unknown>, REGISTRY_MIGRATIONS);
  if (missing.length === 0) return [];
  throw new AppError(
    "REG_SCHEMA_NOT_MIGRATED",
    `the registry database lacks migrations ${missing.join(", ")} and MIGRATE_ON_START is false: run services/registry/src/migrate.ts first`,
  );
}
