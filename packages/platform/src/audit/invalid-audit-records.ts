import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import { messageOf } from "../errors/app-error.js";
import type { InvalidAuditRecord } from "./audit-delivery.js";

/** The records of a batch the shared schema refuses, as the audit intake would name them. */
export function invalidAuditRecords(records: readonly AuditRecord[]): InvalidAuditRecord[] {
  const invalid: InvalidAuditRecord[] = [];
  records.forEach((record, index) => {
    try {
      parseAuditRecord(record);
    } catch (e) {
      invalid.push({ index, reason: messageOf(e) });
    }
  });
  return invalid;
}
