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
export {
  AUDIT_SYSLOG_SETTINGS,
  SyslogSettingsSchema,
  createSyslogForwarder,
  startSyslogReceivers,
  tlsReceiverEnabled,
  validateSyslogSettings,
  type FetchAuditBatch,
  type ForwardableAuditRecord,
  type SyslogForwarder,
  type SyslogReceivers,
  type SyslogSettings,
  type SyslogTables,
} from "./syslog/index.js";
export { fetchStoredAuditBatch } from "./storage/audit-event-store-order.query.js";
