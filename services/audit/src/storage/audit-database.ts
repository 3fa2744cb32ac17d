import type { ColumnType, Generated } from "kysely";
import type { SyslogTables } from "../syslog/received-audit-message.table.js";

/** Kysely types of the audit store (migrations/), and the ITI-20 tables of src/syslog/. */

type Timestamp = ColumnType<Date, Date, Date>;
/** jsonb: written as a JSON string, read back as a value. */
type Json<T> = ColumnType<T, string, string>;

export interface AuditEventKeyTable {
  event_id: string;
  occurred_at: Timestamp;
}

export interface AuditEventTable {
  event_id: string;
  occurred_at: Timestamp;
  stored_at: Timestamp;
  transaction: string;
  role: string;
  outcome: string;
  requestor_kind: string | null;
  requestor_id: string | null;
  requestor_org: string | null;
  requestor_roles: ColumnType<string[], string[], string[]>;
  grant_basis: string | null;
  grant_emergency: boolean;
  record: Json<unknown>;
  /** Store order (2026-12-06T0400-audit-event-store-order): bigint, read back as a string. */
  seq: Generated<string>;
}

export interface AuditEventPatientTable {
  patient_id: string;
  event_id: string;
  occurred_at: Timestamp;
}

export interface AuditIntakeRefusalTable {
  record_hash: string;
  event_id: string | null;
  reason: string;
  record: Json<unknown>;
  first_refused_at: Timestamp;
  last_refused_at: Timestamp;
  times_refused: ColumnType<number, number | undefined, number>;
}

export interface AuditDatabase extends SyslogTables {
  audit_event_key: AuditEventKeyTable;
  audit_event: AuditEventTable;
  audit_event_patient: AuditEventPatientTable;
  audit_intake_refusal: AuditIntakeRefusalTable;
}
