import type { MigrationSet } from "@opendsp/platform";
import { receivedAuditMessageMigration } from "../src/syslog/2026-12-06T0300-received-audit-message.js";
import * as auditStore from "./2026-12-06T0200-audit-store.js";
import * as auditEventStoreOrder from "./2026-12-06T0400-audit-event-store-order.js";

/** Every migration of the audit database, in order of their timestamped names. */
export const AUDIT_MIGRATIONS: MigrationSet = {
  "2026-12-06T0200-audit-store": auditStore,
  // ITI-20: the messages the syslog receivers take, and the forwarder's cursor (src/syslog/).
  "2026-12-06T0300-received-audit-message": receivedAuditMessageMigration,
  "2026-12-06T0400-audit-event-store-order": auditEventStoreOrder,
};
