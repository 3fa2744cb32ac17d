/** ITI-20 Record Audit Event: the syslog receivers (TLS, UDP) and the forwarder to an external audit repository. */
export { AUDIT_SYSLOG_SETTINGS, SyslogSettingsSchema, tlsReceiverEnabled, validateSyslogSettings, type SyslogSettings } from "./syslog-settings.js";
export { receivedAuditMessageMigration } from "./2026-12-06T0300-received-audit-message.js";
export type { ForwardCursorTable, ReceivedAuditMessageTable, SyslogTables } from "./received-audit-message.table.js";
export type { ReceivedMessageErrorCode } from "./received-message.decoder.js";
export { startSyslogReceivers, type SyslogReceiverDeps, type SyslogReceivers } from "./start-syslog-receivers.js";
export {
  SYSLOG_FORWARD_CURSOR,
  createSyslogForwarder,
  type FetchAuditBatch,
  type ForwardableAuditRecord,
  type SyslogForwarder,
  type SyslogForwarderDeps,
} from "./syslog-forwarder.js";
