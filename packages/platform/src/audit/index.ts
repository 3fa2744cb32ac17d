export { AUDIT_OUTBOX_TABLE, createAuditOutboxTable, dropAuditOutboxTable, type AuditOutboxDatabase, type AuditOutboxTable } from "./audit-outbox.table.js";
export { appendAuditRecord, auditRecordInsert, checkedAuditRecord, countAuditOutbox } from "./audit-outbox.js";
export { AuditOutboxError, type AuditOutboxErrorCode } from "./audit-outbox-error.js";
export type { AuditDelivery, AuditDeliveryResult, InvalidAuditRecord } from "./audit-delivery.js";
export { createQueueAuditDelivery, type QueueAuditDeliveryOptions } from "./queue-audit-delivery.js";
export { createHttpAuditDelivery, type HttpAuditDeliveryOptions } from "./http-audit-delivery.js";
export { createAuditDelivery, type AuditDeliveryConfig } from "./create-audit-delivery.js";
export { createAuditRelay, type AuditRelay, type AuditRelayOptions, type AuditRelayPass } from "./audit-relay.js";
export { createMemoryAuditOutbox, type MemoryAuditOutbox, type MemoryAuditOutboxOptions } from "./memory-audit-outbox.js";
