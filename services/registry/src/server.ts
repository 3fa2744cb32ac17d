import { AppError, createLogger, migrateToLatest, openDatabase, pendingMigrations, type Database } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { REGISTRY_MIGRATIONS } from "../migrations/index.js";
import { buildApp, REGISTRY_SOAP_PATH } from "./app.js";
import { loadAffinityDomainCodes } from "./codes.js";
import { loadRegistryConfig } from "./config.js";
import { startPatientFeedListener } from "./patient-feed/patient-feed.listener.js";
import type { RegistryDatabase } from "./storage/registry-database.js";

/** Starts the registry: configuration, database and migrations, HTTP endpoint, ITI-8 listener. */
export async function startRegistryServer(env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = loadRegistryConfig(env);
  const logger = createLogger({ service: "registry", level: config.LOG_LEVEL });
  const codes = loadAffinityDomainCodes(config.REGISTRY_CODES);
  const database = await openDatabase<RegistryDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.REGISTRY_DATA_DIR,
    onIdleConnectionError: (err) => logger.warn({ err }, "an idle database connection was closed by the server"),
  });
  const applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, REGISTRY_MIGRATIONS) : await requireMigratedSchema(database);
  logger.info({ database: database.kind, migrations: applied.length, codes: codes ? "affinity domain" : "open domain" }, "registry database ready");
  const deps = { config, db: database.db, codes };
  const app = buildApp(deps, logger);
  const address = await app.listen({ host: config.REGISTRY_HOST, port: config.REGISTRY_PORT });
  const feed = config.HL7_MLLP_PORT >= 0 ? await startPatientFeedListener(deps, logger) : undefined;
  logger.info({ soap: `${address}${REGISTRY_SOAP_PATH}`, mllpPort: feed?.port }, "registry listening");
  return {
    address,
    soapUrl: `${address}${REGISTRY_SOAP_PATH}`,
    mllpPort: feed?.port,
    async close(): Promise<void> {
      await feed?.close();
      await app.close();
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
  await database.close();
  throw new AppError(
    "REG_SCHEMA_NOT_MIGRATED",
    `the registry database lacks migrations ${missing.join(", ")} and MIGRATE_ON_START is false: run services/registry/src/migrate.ts first`,
  );
}
