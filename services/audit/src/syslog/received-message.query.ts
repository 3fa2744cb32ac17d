import type { Kysely } from "kysely";
import type { SyslogTables } from "./received-audit-message.table.js";

export interface ReceivedMessageFilter {
  /** Only messages that could not be read (true), or only those that could (false); absent: both. */
  readonly malformed?: boolean | undefined;
  /** The page starts after this id, newest first. */
  readonly beforeId?: string | undefined;
}

/** A page of the ITI-20 messages received, newest first, one more than `limit` to tell whether another page follows. */
export async function listReceivedAuditMessages(db: Kysely<SyslogTables>, filter: ReceivedMessageFilter, limit: number) {
  let query = db
    .selectFrom("received_audit_message")
    .select([
      "id",
      "received_at",
      "transport",
      "peer_address",
      "peer_certificate_subject",
      "raw_encoding",
      "raw_text",
      "raw_bytes",
      "raw_truncated",
      "malformed",
      "error_code",
      "event_id_code",
      "event_action_code",
      "event_outcome_indicator",
      "event_datetime",
      "source_id",
      "patient_ids",
      "participant_user_ids",
    ]);
  if (filter.malformed !== undefined) query = query.where("malformed", "=", filter.malformed);
  if (filter.beforeId !== undefined) query = query.where("id", "<", filter.beforeId);
  return query.orderBy("id", "desc").limit(limit + 1).execute();
}
