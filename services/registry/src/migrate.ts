import { createLogger, messageOf, migrateToLatest, openDatabase } from "@opendsp/platform";
import { REGISTRY_MIGRATIONS } from "../migrations/index.js";
import { loadRegistryConfig } from "./config.js";

// Entry point: `node --import tsx services/registry/src/migrate.ts`. Brings the registry's configured database
// (DATABASE_URL, or the embedded one in REGISTRY_DATA_DIR) to the latest migration, then exits: 0 when the schema is
// current, 1 with the reason when the configuration, the connection or a migration fails. Deployments run it once
// before the new version starts, with MIGRATE_ON_START=false for the service itself (deploy/README.md).
const logger = createLogger({ service: "registry-migrate" });
try {
  const config = loadRegistryConfig(process.env);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.REGISTRY_DATA_DIR, maxConnections: 1 });
  try {
    const applied = await migrateToLatest(database.db, REGISTRY_MIGRATIONS);
    logger.info({ database: database.kind, applied, known: Object.keys(REGISTRY_MIGRATIONS).length }, "registry database at the latest migration");
  } finally {
    await database.close();
  }
} catch (err) {
  const code = err instanceof Error && "code" in err ? String(err.code) : "REG_MIGRATE";
  const cause = err instanceof Error && err.cause !== undefined ? messageOf(err.cause) : undefined;
  logger.fatal({ code, error: messageOf(err), cause }, "registry migrations failed");
  process.exitCode = 1;
}
