import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import { AuditError } from "./audit-error.js";

/**
 * A record checked for the audit store: the AuditRecord schema, and no NUL character in any text, which PostgreSQL
 * cannot store in text or jsonb (PostgreSQL 18 docs 8.3, 8.14). Such a record is refused as invalid, never retried
 * as if the store were down.
 */
export function parseStorableRecord(json: unknown): AuditRecord {
  const record = parseAuditRecord(json);
  if (JSON.stringify(record).includes("\\u0000")) {
    throw new AuditError("AUDIT_RECORD_NOT_STORABLE", "a text of the record holds a NUL character, which the audit store cannot keep");
  }
  return record;
}
