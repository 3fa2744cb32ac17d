import { createLogger, messageOf, migrateToLatest, openDatabase } from "@opendsp/platform";
import { CONSENT_MIGRATIONS } from "../migrations/index.js";
import { loadConsentDatabaseSettings } from "./config.js";

// Entry point: `node --import tsx services/consent/src/migrate.ts`. Brings the consent service's configured database
// (DATABASE_URL, or the embedded one in CONSENT_DATA_DIR) to the latest migration, then exits: 0 when the schema is
// current, 1 with the reason when the configuration, the connection or a migration fails.
const logger = createLogger({ service: "consent-migrate" });
try {
  const config = loadConsentDatabaseSettings(process.env);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.CONSENT_DATA_DIR, maxConnections: 1 });
  try {
    const applied = await migrateToLatest(database.db, CONSENT_MIGRATIONS);
    logger.info({ database: database.kind, applied, known: Object.keys(CONSENT_MIGRATIONS).length }, "consent database at the latest migration");
  } finally {
    await database.close();
  }
} catch (err) {
  const code = err instanceof Error && "code" in err ? String(err.code) : "CONSENT_MIGRATE";
  const cause = err instanceof Error && err.cause !== undefined ? messageOf(err.cause) : undefined;
  logger.fatal({ code, error: messageOf(err), cause }, "consent migrations failed");
  process.exitCode = 1;
}
