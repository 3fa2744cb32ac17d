import { createLogger, messageOf, migrateToLatest, openDatabase } from "@opendsp/platform";
import { join } from "node:path";
import { REPOSITORY_MIGRATIONS } from "../migrations/index.js";
import { loadRepositoryConfig } from "./config.js";

// Entry point: `node --import tsx services/repository/src/migrate.ts`. Brings the repository's configured database
// (DATABASE_URL, or the embedded one in REPOSITORY_DATA_DIR/db) to the latest migration, then exits: 0 when the
// schema is current, 1 with the reason when the configuration, the connection or a migration fails. Deployments run
// it once before the new version starts, with MIGRATE_ON_START=false for the service itself (deploy/README.md).
const logger = createLogger({ service: "repository-migrate" });
try {
  const config = loadRepositoryConfig(process.env);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: join(config.REPOSITORY_DATA_DIR, "db"), maxConnections: 1 });
  try {
    const applied = await migrateToLatest(database.db, REPOSITORY_MIGRATIONS);
    logger.info({ database: database.kind, applied, known: Object.keys(REPOSITORY_MIGRATIONS).length }, "repository database at the latest migration");
  } finally {
    await database.close();
  }
} catch (err) {
  const code = err instanceof Error && "code" in err ? String(err.code) : "REPO_MIGRATE";
  const cause = err instanceof Error && err.cause !== undefined ? messageOf(err.cause) : undefined;
  logger.fatal({ code, error: messageOf(err), cause }, "repository migrations failed");
  process.exitCode = 1;
}
