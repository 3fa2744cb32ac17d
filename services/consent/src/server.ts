import { randomBytes } from "node:crypto";
import { AppError, createLogger, migrateToLatest, openDatabase, pendingMigrations, type Database, type Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { CONSENT_MIGRATIONS } from "../migrations/index.js";
import { buildApp } from "./app.js";
import { emergencyRolesOf, loadConsentConfig, type ConsentConfig } from "./config.js";
import type { ConsentDeps } from "./consent-deps.js";
import type { ConsentDatabase } from "./storage/consent-database.js";

export interface ConsentServer {
  readonly address: string;
  close(): Promise<void>;
}

/** Starts the consent service: configuration, database and migrations, HTTP endpoint. */
export async function startConsentServer(env: Readonly<Record<string, string | undefined>> = process.env): Promise<ConsentServer> {
  const config = loadConsentConfig(env);
  const logger = createLogger({ service: "consent", level: config.LOG_LEVEL });
  const database = await openDatabase<ConsentDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.CONSENT_DATA_DIR,
    onIdleConnectionError: (err) => logger.warn({ err }, "an idle database connection was closed by the server"),
  });
  let app: ReturnType<typeof buildApp> | undefined;
  let address: string;
  try {
    const applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, CONSENT_MIGRATIONS) : await requireMigratedSchema(database);
    logger.info({ database: database.kind, migrations: applied.length }, "consent database ready");
    app = buildApp(config, { ...consentDeps(config, database.db, logger), logger });
    address = await app.listen({ host: config.CONSENT_HOST, port: config.CONSENT_PORT });
  } catch (e) {
    // A start that fails (schema, port taken) leaves nothing open behind it.
    await app?.close();
    await database.close();
    throw e;
  }
  const http = app;
  logger.info({ api: `${address}/api/consent` }, "consent listening");
  return {
    address,
    async close(): Promise<void> {
      await http.close();
      await database.close();
    },
  };
}

/** The service's dependencies for a configuration and an open database. */
export function consentDeps(config: ConsentConfig, db: Kysely<ConsentDatabase>, logger: Logger): ConsentDeps {
  let presenceCodeKey: Buffer;
  if (config.CONSENT_PRESENCE_CODE_KEY === undefined) {
    // Only on the embedded database (config.ts requires the key with DATABASE_URL): one instance, and codes are
    // short-lived, so a restart merely invalidates the codes not yet presented.
    presenceCodeKey = randomBytes(32);
    logger.warn("CONSENT_PRESENCE_CODE_KEY is not set: presence codes issued before a restart will not be accepted after it");
  } else {
    presenceCodeKey = Buffer.from(config.CONSENT_PRESENCE_CODE_KEY, "base64");
  }
  return { db, presenceCodeKey, policy: { emergencyRoles: emergencyRolesOf(config) }, now: () => new Date() };
}

/**
 * MIGRATE_ON_START=false: `migrate.ts` brings the schema up before a new version starts (deploy/README.md). A schema
 * behind the code would fail at the first query that needs the missing part, so the service refuses to start.
 */
async function requireMigratedSchema(database: Database<ConsentDatabase>): Promise<string[]> {
  const missing = await pendingMigrations(database.db as Kysely<unknown>, CONSENT_MIGRATIONS);
  if (missing.length === 0) return [];
  throw new AppError(
    "CONSENT_SCHEMA_NOT_MIGRATED",
    `the consent database lacks migrations ${missing.join(", ")} and MIGRATE_ON_START is false: run services/consent/src/migrate.ts first`,
  );
}
