/** @opendsp/audit: the audit service, sole writer of the audit store. */
export { startAuditServer, type AuditServer, type AuditServerOptions } from "./server.js";
export {
  AuditAccessSettings,
  AuditConfigSchema,
  AuditDatabaseSettings,
  AuditHttpSettings,
  AuditIntakeSettings,
  AuditLogSettings,
  AuditMigrationSettings,
  AuditQueueSettings,
  loadAuditConfig,
  type AuditConfig,
} from "./config.js";
export { AUDIT_MIGRATIONS } from "../migrations/index.js";
