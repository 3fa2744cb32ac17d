import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The audit store. audit_event is partitioned by month on occurred_at so old months can be detached and archived
 * whole; the service creates the monthly partitions ahead of time (storage/audit-partitions.ts) and the DEFAULT
 * partition takes what falls outside them. A partitioned table's unique keys must include the partition key, so the
 * uniqueness of event_id across partitions is kept by audit_event_key, written in the same transaction.
 * audit_event_patient indexes the events by patient for the access history. audit_intake_refusal keeps the records
 * the HTTP intake refused, for the dead letter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, SCHEMA);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, "DROP TABLE audit_intake_refusal, audit_event_patient, audit_event, audit_event_key;");
}

const SCHEMA = `
    CREATE TABLE audit_event_key (
      event_id     uuid PRIMARY KEY,
      occurred_at  timestamptz NOT NULL
    );

    CREATE TABLE audit_event (
      event_id          uuid NOT NULL,
      occurred_at       timestamptz NOT NULL,
      stored_at         timestamptz NOT NULL,
      transaction       text NOT NULL,
      role              text NOT NULL,
      outcome           text NOT NULL,
      requestor_kind    text,
      requestor_id      text,
      requestor_org     text,
      requestor_roles   text[] NOT NULL DEFAULT '{}',
      grant_basis       text,
      grant_emergency   boolean NOT NULL DEFAULT false,
      record            jsonb NOT NULL,
      PRIMARY KEY (event_id, occurred_at)
    ) PARTITION BY RANGE (occurred_at);

    CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;

    CREATE INDEX audit_event_occurred_at ON audit_event (occurred_at DESC, event_id DESC);

    CREATE TABLE audit_event_patient (
      patient_id   text NOT NULL,
      event_id     uuid NOT NULL REFERENCES audit_event_key (event_id),
      occurred_at  timestamptz NOT NULL,
      PRIMARY KEY (event_id, patient_id)
    );

    CREATE INDEX audit_event_patient_history ON audit_event_patient (patient_id, occurred_at DESC, event_id DESC);

    CREATE TABLE audit_intake_refusal (
      record_hash       text PRIMARY KEY,
      event_id          text,
      reason            text NOT NULL,
      record            jsonb NOT NULL,
      first_refused_at  timestamptz NOT NULL,
      last_refused_at   timestamptz NOT NULL,
      times_refused     integer NOT NULL DEFAULT 1
    );

    CREATE INDEX audit_intake_refusal_recent ON audit_intake_refusal (last_refused_at DESC);
`;
