import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Audit messages received from external actors over ITI-20 (syslog TLS or UDP), each kept whether or not it could
 * be read: the raw message (bounded by the receiver's size limit) and, when it is a DICOM audit message, the
 * fields the access history searches. forward_cursor records how far the forwarder has sent the audit records to
 * an external audit repository.
 */
export const receivedAuditMessageMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await runSqlScript(db, SCHEMA);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await runSqlScript(db, "DROP TABLE forward_cursor, received_audit_message;");
  },
};

const SCHEMA = `
    CREATE TABLE received_audit_message (
      id                        bigserial PRIMARY KEY,
      received_at               timestamptz NOT NULL,
      transport                 text NOT NULL CHECK (transport IN ('tls', 'udp')),
      peer_address              text NOT NULL,
      peer_certificate_subject  text,
      -- utf8: the bytes as text; base64: bytes that are not UTF-8 text (or hold NUL), kept exactly.
      raw_encoding              text NOT NULL CHECK (raw_encoding IN ('utf8', 'base64')),
      raw_text                  text NOT NULL,
      raw_bytes                 integer NOT NULL,
      raw_truncated             boolean NOT NULL,
      malformed                 boolean NOT NULL,
      error_code                text,
      event_id_code             text,
      event_action_code         text,
      event_outcome_indicator   text,
      event_datetime            timestamptz,
      source_id                 text,
      patient_ids               jsonb NOT NULL DEFAULT '[]',
      participant_user_ids      jsonb NOT NULL DEFAULT '[]',
      message                   jsonb,
      CHECK (malformed = (error_code IS NOT NULL))
    );

    CREATE INDEX received_audit_message_received_at ON received_audit_message (received_at);

    CREATE INDEX received_audit_message_patient_ids ON received_audit_message USING gin (patient_ids jsonb_path_ops);

    CREATE TABLE forward_cursor (
      name             text PRIMARY KEY,
      position         text NOT NULL,
      forwarded_count  bigint NOT NULL,
      updated_at       timestamptz NOT NULL
    );
`;
