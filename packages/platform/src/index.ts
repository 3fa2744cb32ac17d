export { AppError, messageOf } from "./errors/app-error.js";
export { ConfigError, loadConfig } from "./config/load-config.js";
export { createLogger, type Logger } from "./logging/logger.js";
export { openDatabase, type Database, type DatabaseKind, type DatabaseOptions } from "./db/database.js";
export { migrateToLatest, pendingMigrations, type MigrationSet } from "./db/migrate.js";
export { passSoapBodiesThrough, registerSoapEndpoint } from "./http/soap-endpoint.route.js";
export { createHttpApp, type HttpAppOptions } from "./http/create-http-app.js";
export * from "./blob/index.js";
export * from "./jobs/index.js";
