import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The consent schema: one row of settings per patient with its rules version, one table per list of the patient's
 * rules, the change log, presence codes (hashed), grants, attempts and lockouts, and the emergency accesses the
 * patient is told about. Times are written by the service's clock, never by now(), so tests can move time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, SCHEMA);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `DROP TABLE emergency_access, presence_lockout, presence_attempt, presence_grant, presence_code, consent_change,
      representative, masked_document, blacklist_member, trust_circle_member, patient_rules;`,
  );
}

const SCHEMA = `
    CREATE TABLE patient_rules (
      patient_id         text PRIMARY KEY,
      record_state       text NOT NULL DEFAULT 'open' CHECK (record_state IN ('open', 'closed', 'reopened')),
      emergency_refused  boolean NOT NULL DEFAULT false,
      referring_doctor   text,
      rules_version      integer NOT NULL DEFAULT 0,
      updated_at         timestamptz NOT NULL
    );

    CREATE TABLE trust_circle_member (
      patient_id       text NOT NULL REFERENCES patient_rules (patient_id),
      professional_id  text NOT NULL,
      added_at         timestamptz NOT NULL,
      PRIMARY KEY (patient_id, professional_id)
    );

    CREATE TABLE blacklist_member (
      patient_id       text NOT NULL REFERENCES patient_rules (patient_id),
      professional_id  text NOT NULL,
      added_at         timestamptz NOT NULL,
      PRIMARY KEY (patient_id, professional_id)
    );

    CREATE TABLE masked_document (
      patient_id          text NOT NULL REFERENCES patient_rules (patient_id),
      document_unique_id  text NOT NULL,
      masked_at           timestamptz NOT NULL,
      PRIMARY KEY (patient_id, document_unique_id)
    );

    CREATE TABLE representative (
      patient_id   text NOT NULL REFERENCES patient_rules (patient_id),
      person_id    text NOT NULL,
      can_read     boolean NOT NULL,
      can_manage   boolean NOT NULL,
      relation     text CHECK (relation IN ('legal-representative', 'companion')),
      updated_at   timestamptz NOT NULL,
      PRIMARY KEY (patient_id, person_id)
    );

    CREATE TABLE consent_change (
      id             bigserial PRIMARY KEY,
      patient_id     text NOT NULL REFERENCES patient_rules (patient_id),
      rules_version  integer NOT NULL,
      changed_at     timestamptz NOT NULL,
      actor_kind     text NOT NULL,
      actor_id       text NOT NULL,
      change         text NOT NULL,
      detail         jsonb NOT NULL
    );
    CREATE INDEX consent_change_patient ON consent_change (patient_id, id DESC);

    -- The code itself is never stored: code_hash is HMAC-SHA-256 over the patient id and the code.
    CREATE TABLE presence_code (
      code_hash   text PRIMARY KEY,
      patient_id  text NOT NULL REFERENCES patient_rules (patient_id),
      issued_at   timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      used_by     text
    );
    CREATE INDEX presence_code_patient ON presence_code (patient_id, expires_at);

    CREATE TABLE presence_grant (
      id               bigserial PRIMARY KEY,
      patient_id       text NOT NULL REFERENCES patient_rules (patient_id),
      professional_id  text NOT NULL,
      organization_id  text,
      starts_at        timestamptz NOT NULL,
      ends_at          timestamptz NOT NULL
    );
    CREATE INDEX presence_grant_patient ON presence_grant (patient_id, ends_at);

    CREATE TABLE presence_attempt (
      id               bigserial PRIMARY KEY,
      patient_id       text NOT NULL,
      professional_id  text NOT NULL,
      attempted_at     timestamptz NOT NULL,
      outcome          text NOT NULL CHECK (outcome IN ('granted', 'bad-code', 'locked-out'))
    );
    CREATE INDEX presence_attempt_professional ON presence_attempt (professional_id, attempted_at);

    -- patient_id '' is a lockout of the professional for every patient.
    CREATE TABLE presence_lockout (
      professional_id  text NOT NULL,
      patient_id       text NOT NULL,
      locked_until     timestamptz NOT NULL,
      PRIMARY KEY (professional_id, patient_id)
    );

    CREATE TABLE emergency_access (
      id               bigserial PRIMARY KEY,
      patient_id       text NOT NULL,
      professional_id  text NOT NULL,
      organization_id  text,
      action           text NOT NULL,
      accessed_at      timestamptz NOT NULL
    );
    CREATE INDEX emergency_access_patient ON emergency_access (patient_id, accessed_at DESC);
`;
