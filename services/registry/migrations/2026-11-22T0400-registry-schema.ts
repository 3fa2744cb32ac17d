import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The registry's schema. Each XDS object is one row with the attributes stored queries filter on as indexed
 * columns, and its full XDS view (without availabilityStatus, which lives in `status`) as JSON for LeafClass
 * answers. Times are kept as received (`*_time`) and as a 14-digit key padded with zeros for range filters.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, SCHEMA);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `DROP TABLE IF EXISTS audit_outbox, audit_outbox_legacy; DROP TABLE association, folder_code, folder, document_entry_reference_id, document_entry_author,
      document_entry_code, document_entry, submission_set_author, submission_set, patient;`,
  );
}

const SCHEMA = `
    CREATE TABLE patient (
      patient_id   text PRIMARY KEY,
      status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
      merged_into  text REFERENCES patient (patient_id),
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE submission_set (
      entry_uuid            text PRIMARY KEY,
      unique_id             text NOT NULL UNIQUE,
      patient_id            text NOT NULL,
      source_id             text NOT NULL,
      status                text NOT NULL,
      submission_time       text,
      submission_time_key   char(14),
      content_type_code     text,
      content_type_scheme   text,
      home_community_id     text,
      metadata              jsonb NOT NULL,
      registered_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX submission_set_patient ON submission_set (patient_id, status, submission_time_key);
    CREATE INDEX submission_set_source ON submission_set (source_id);

    CREATE TABLE submission_set_author (
      entry_uuid  text NOT NULL REFERENCES submission_set (entry_uuid) ON DELETE CASCADE,
      person      text NOT NULL
    );
    CREATE INDEX submission_set_author_entry ON submission_set_author (entry_uuid);

    CREATE TABLE document_entry (
      entry_uuid                   text PRIMARY KEY,
      logical_id                   text NOT NULL,
      version                      integer NOT NULL DEFAULT 1,
      patient_id                   text NOT NULL,
      unique_id                    text NOT NULL,
      status                       text NOT NULL,
      object_type                  text NOT NULL,
      mime_type                    text,
      hash                         text,
      size                         bigint,
      repository_unique_id         text,
      home_community_id            text,
      creation_time_key            char(14),
      service_start_time_key       char(14),
      service_stop_time_key        char(14),
      class_code                   text,
      class_code_scheme            text,
      format_code                  text,
      format_code_scheme           text,
      healthcare_facility_type_code        text,
      healthcare_facility_type_code_scheme text,
      practice_setting_code        text,
      practice_setting_code_scheme text,
      type_code                    text,
      type_code_scheme             text,
      submission_set_uuid          text NOT NULL REFERENCES submission_set (entry_uuid),
      metadata                     jsonb NOT NULL,
      registered_at                timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX document_entry_patient ON document_entry (patient_id, status, creation_time_key);
    CREATE INDEX document_entry_unique_id ON document_entry (unique_id);
    CREATE INDEX document_entry_logical_id ON document_entry (logical_id);

    -- Multi-valued codes: confidentialityCode and eventCodeList (ITI TF-2a 3.18.4.1.2.3.5 AND/OR semantics).
    CREATE TABLE document_entry_code (
      entry_uuid     text NOT NULL REFERENCES document_entry (entry_uuid) ON DELETE CASCADE,
      attribute      text NOT NULL CHECK (attribute IN ('confidentialityCode', 'eventCodeList')),
      code           text NOT NULL,
      coding_scheme  text NOT NULL
    );
    CREATE INDEX document_entry_code_entry ON document_entry_code (entry_uuid, attribute);

    CREATE TABLE document_entry_author (
      entry_uuid  text NOT NULL REFERENCES document_entry (entry_uuid) ON DELETE CASCADE,
      person      text NOT NULL
    );
    CREATE INDEX document_entry_author_entry ON document_entry_author (entry_uuid);

    CREATE TABLE document_entry_reference_id (
      entry_uuid    text NOT NULL REFERENCES document_entry (entry_uuid) ON DELETE CASCADE,
      reference_id  text NOT NULL
    );
    CREATE INDEX document_entry_reference_id_value ON document_entry_reference_id (reference_id);
    CREATE INDEX document_entry_reference_id_entry ON document_entry_reference_id (entry_uuid);

    CREATE TABLE folder (
      entry_uuid             text PRIMARY KEY,
      logical_id             text NOT NULL,
      version                integer NOT NULL DEFAULT 1,
      patient_id             text NOT NULL,
      unique_id              text NOT NULL UNIQUE,
      status                 text NOT NULL,
      last_update_time       text,
      last_update_time_key   char(14),
      home_community_id      text,
      metadata               jsonb NOT NULL,
      registered_at          timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX folder_patient ON folder (patient_id, status, last_update_time_key);

    CREATE TABLE folder_code (
      entry_uuid     text NOT NULL REFERENCES folder (entry_uuid) ON DELETE CASCADE,
      code           text NOT NULL,
      coding_scheme  text NOT NULL
    );
    CREATE INDEX folder_code_entry ON folder_code (entry_uuid);

    CREATE TABLE association (
      entry_uuid         text PRIMARY KEY,
      association_type   text NOT NULL,
      source_uuid        text NOT NULL,
      target_uuid        text NOT NULL,
      status             text NOT NULL,
      metadata           jsonb NOT NULL,
      registered_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX association_source ON association (source_uuid, association_type);
    CREATE INDEX association_target ON association (target_uuid, association_type);

    -- One row per transaction, written in the same database transaction as the change it records (outbox);
    -- delivered to the audit service by a job.
    CREATE TABLE audit_outbox (
      event_id       uuid PRIMARY KEY,
      occurred_at    timestamptz NOT NULL DEFAULT now(),
      transaction    text NOT NULL,
      outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
      patient_id     text,
      actor          jsonb NOT NULL,
      detail         jsonb NOT NULL,
      delivered_at   timestamptz
    );
    CREATE INDEX audit_outbox_pending ON audit_outbox (occurred_at) WHERE delivered_at IS NULL;
`;
