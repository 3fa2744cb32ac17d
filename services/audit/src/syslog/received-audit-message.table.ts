import type { ColumnType, Generated } from "kysely";

/** Kysely types of the tables of 2026-12-06T0300-received-audit-message.ts. */

/** jsonb: written as a JSON string, read back as a value. */
type Json<T> = ColumnType<T, string, string>;

export interface ReceivedAuditMessageTable {
  /** bigserial: read back as a string (64-bit). */
  id: Generated<string>;
  received_at: ColumnType<Date, Date, never>;
  transport: "tls" | "udp";
  peer_address: string;
  peer_certificate_subject: string | null;
  raw_encoding: "utf8" | "base64";
  raw_text: string;
  raw_bytes: number;
  raw_truncated: boolean;
  malformed: boolean;
  error_code: string | null;
  event_id_code: string | null;
  event_action_code: string | null;
  event_outcome_indicator: string | null;
  event_datetime: Date | null;
  source_id: string | null;
  patient_ids: Json<string[]>;
  participant_user_ids: Json<string[]>;
  message: ColumnType<unknown, string | null, string | null>;
}

export interface ForwardCursorTable {
  name: string;
  position: string;
  forwarded_count: ColumnType<string, number, number>;
  updated_at: Date;
}

/** The tables this module reads and writes; the audit service's database type includes them. */
export interface SyslogTables {
  received_audit_message: ReceivedAuditMessageTable;
  forward_cursor: ForwardCursorTable;
}
