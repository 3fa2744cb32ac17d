import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import type { GatewayAuditTrail } from "../domain/audit/gateway-audit-trail.js";

/** An audit trail that keeps what the gateway hands it, each record checked against the schema as it comes. */
export interface CollectingAuditTrail extends GatewayAuditTrail {
  /** The records handed over since the last take(), oldest first; the trail is emptied. */
  take(): AuditRecord[];
}

export function createCollectingAuditTrail(): CollectingAuditTrail {
  let records: AuditRecord[] = [];
  return {
    record(record) {
      // A clone, so that a later change of the gateway's object cannot make a test pass.
      records.push(parseAuditRecord(structuredClone(record)));
    },
    take() {
      const taken = records;
      records = [];
      return taken;
    },
  };
}
