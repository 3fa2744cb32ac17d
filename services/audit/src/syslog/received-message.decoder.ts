import { AtnaError, parseSyslogMessage, readDicomAuditMessage, type ReceivedAuditMessage } from "@opendsp/atna";
import type { Insertable } from "kysely";
import type { ReceivedAuditMessageTable } from "./received-audit-message.table.js";

export type ReceivedAuditMessageRow = Insertable<ReceivedAuditMessageTable>;

/** Where a message came from. */
export interface ReceivedFrom {
  readonly transport: "tls" | "udp";
  readonly peerAddress: string;
  readonly peerCertificateSubject?: string | undefined;
  readonly receivedAt: Date;
}

/**
 * Why a received message is kept as malformed: the syslog and framing codes of @opendsp/atna, the audit message
 * reader's codes, and the receiver's own.
 */
export type ReceivedMessageErrorCode =
  | AtnaError["code"]
  | "ATNA_AUDIT_NOT_XML"
  | "ATNA_AUDIT_DOCTYPE"
  | "ATNA_AUDIT_NOT_AUDIT_MESSAGE"
  | "ATNA_AUDIT_NO_EVENT"
  /** MSG starts with the BOM but is not UTF-8 (RFC 5424 section 6.4). */
  | "AUDIT_SYSLOG_MSG_NOT_UTF8"
  /** A UDP datagram over the size limit. */
  | "AUDIT_SYSLOG_TOO_LARGE"
  /** The connection ended inside a frame. */
  | "AUDIT_SYSLOG_FRAME_INCOMPLETE"
  /** Reading failed otherwise than with a stable code; kept rather than lost. */
  | "AUDIT_SYSLOG_UNREADABLE";

const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** xs:dateTime with an offset: a time without zone is kept in the message only, never guessed. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Turns one syslog message (an RFC 5425 frame's body or an RFC 5426 datagram) into the row that keeps it. Never
 * throws: what cannot be read is kept raw with malformed=true and the code that says why.
 */
export function decodeReceivedMessage(bytes: Buffer, from: ReceivedFrom, maxRawBytes: number): ReceivedAuditMessageRow {
  let audit: ReceivedAuditMessage;
  try {
    const syslog = parseSyslogMessage(bytes);
    if (syslog.bom && !isUtf8(syslog.message)) return malformedMessage(bytes, from, "AUDIT_SYSLOG_MSG_NOT_UTF8", maxRawBytes);
    const read = readDicomAuditMessage(syslog.message);
    if (!read.ok) return malformedMessage(bytes, from, read.code, maxRawBytes);
    audit = read.record;
  } catch (e) {
    return malformedMessage(bytes, from, e instanceof AtnaError ? e.code : "AUDIT_SYSLOG_UNREADABLE", maxRawBytes);
  }
  const occurredAt = audit.occurredAt !== undefined && DATE_TIME.test(audit.occurredAt) ? new Date(audit.occurredAt) : undefined;
  return {
    ...rawOf(bytes, from, maxRawBytes),
    malformed: false,
    error_code: null,
    event_id_code: text(audit.eventId.code),
    event_action_code: text(audit.action),
    event_outcome_indicator: text(audit.outcomeIndicator),
    event_datetime: occurredAt !== undefined && !Number.isNaN(occurredAt.getTime()) ? occurredAt : null,
    source_id: text(audit.auditSources[0]?.id),
    patient_ids: jsonOf(audit.patientIds),
    participant_user_ids: jsonOf(audit.participants.map((p) => p.userId)),
    message: jsonOf(audit),
  };
}

/** A message, frame or fragment that could not be read, kept as received (bounded). */
export function malformedMessage(bytes: Buffer, from: ReceivedFrom, code: ReceivedMessageErrorCode, maxRawBytes: number): ReceivedAuditMessageRow {
  return {
    ...rawOf(bytes, from, maxRawBytes),
    malformed: true,
    error_code: code,
    event_id_code: null,
    event_action_code: null,
    event_outcome_indicator: null,
    event_datetime: null,
    source_id: null,
    patient_ids: "[]",
    participant_user_ids: "[]",
    message: null,
  };
}

function rawOf(bytes: Buffer, from: ReceivedFrom, maxRawBytes: number) {
  const kept = bytes.subarray(0, maxRawBytes);
  // PostgreSQL text holds neither NUL nor invalid UTF-8: such bytes are kept exactly, as base64.
  const asText = isUtf8(kept) && !kept.includes(0) ? kept.toString("utf8") : undefined;
  return {
    received_at: from.receivedAt,
    transport: from.transport,
    peer_address: from.peerAddress,
    peer_certificate_subject: from.peerCertificateSubject ?? null,
    raw_encoding: asText === undefined ? ("base64" as const) : ("utf8" as const),
    raw_text: asText ?? kept.toString("base64"),
    raw_bytes: bytes.length,
    raw_truncated: kept.length < bytes.length,
  };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL text and jsonb refuse U+0000; XML cannot carry it, so only a hostile value loses it. */
function text(value: string | undefined): string | null {
  return value === undefined ? null : value.replaceAll("\u0000", "");
}

function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "") : v));
}
