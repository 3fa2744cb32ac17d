import { createLogger, messageOf, migrateToLatest, openDatabase } from "@opendsp/platform";
import { AUDIT_MIGRATIONS } from "../migrations/index.js";
import { loadAuditDatabaseSettings } from "./config.js";

// Entry point: `node --import tsx services/audit/src/migrate.ts`. Brings the audit service's configured database
// (DATABASE_URL, or the embedded one in AUDIT_DATA_DIR) to the latest migration, then exits: 0 when the schema is
// current, 1 with the reason when the configuration, the connection or a migration fails.
const logger = createLogger({ service: "audit-migrate" });
try {
  const config = loadAuditDatabaseSettings(process.env);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.AUDIT_DATA_DIR, maxConnections: 1 });
  try {
    const applied = await migrateToLatest(database.db, AUDIT_MIGRATIONS);
    logger.info({ database: database.kind, applied, known: Object.keys(AUDIT_MIGRATIONS).length }, "audit database at the latest migration");
  } finally {
    await database.close();
  }
} catch (err) {
  const code = err instanceof Error && "code" in err ? String(err.code) : "AUDIT_MIGRATE";
  const cause = err instanceof Error && err.cause !== undefined ? messageOf(err.cause) : undefined;
  logger.fatal({ code, error: messageOf(err), cause }, "audit migrations failed");
  process.exitCode = 1;
}
