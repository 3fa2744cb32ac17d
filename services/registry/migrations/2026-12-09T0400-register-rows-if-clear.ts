import { sql, type Kysely } from "kysely";
import { createClearRegistrationFunction, up as createRegisterIfClear } from "./2026-12-07T0400-register-if-clear.js";

/**
 * register_rows_if_clear replaces register_if_clear: the same checks (ITI TF-2b 3.42.4.1.3.3 and 3.42.4.1.3.5),
 * but the submission's rows arrive as one jsonb value (table name -> array of rows, keys named as the columns) and
 * are written by the function's own static INSERTs, whose plans PL/pgSQL keeps for the session. register_if_clear
 * received an INSERT statement with its values inlined and ran it with EXECUTE, which parsed, analysed and planned
 * that statement at every registration: about a fifth of PostgreSQL's CPU time per 1-document ITI-42.
 * Columns not listed keep their defaults (registered_at, the outbox's seq and delivery state).
 *
 * Its statements, and registration_lookup's called from it, run with generic plans: the lookups by patient,
 * uniqueId and entryUUID take the same index whatever the values, and custom plans (PostgreSQL's choice for them)
 * planned them again at every call, 8 % of the CPU time of a registration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createClearRegistrationFunction(db, {
    name: "register_rows_if_clear",
    rowsParameter: "p_rows jsonb",
    setting: "plan_cache_mode = force_generic_plan",
    writes: `
      -- Parents first: foreign keys are checked at the end of each statement.
      INSERT INTO submission_set (entry_uuid, unique_id, patient_id, source_id, status, submission_time,
          submission_time_key, content_type_code, content_type_scheme, home_community_id, metadata, leaf_xml)
        SELECT entry_uuid, unique_id, patient_id, source_id, status, submission_time, submission_time_key,
               content_type_code, content_type_scheme, home_community_id, metadata::jsonb, leaf_xml
          FROM jsonb_to_recordset(p_rows->'submission_set') AS x(entry_uuid text, unique_id text, patient_id text,
               source_id text, status text, submission_time text, submission_time_key text, content_type_code text,
               content_type_scheme text, home_community_id text, metadata text, leaf_xml text);
      IF p_rows ? 'submission_set_author' THEN
        INSERT INTO submission_set_author (entry_uuid, person)
          SELECT entry_uuid, person FROM jsonb_to_recordset(p_rows->'submission_set_author') AS x(entry_uuid text, person text);
      END IF;
      IF p_rows ? 'folder' THEN
        INSERT INTO folder (entry_uuid, logical_id, patient_id, unique_id, status, last_update_time,
            last_update_time_key, home_community_id, metadata, leaf_xml)
          SELECT entry_uuid, logical_id, patient_id, unique_id, status, last_update_time, last_update_time_key,
                 home_community_id, metadata::jsonb, leaf_xml
            FROM jsonb_to_recordset(p_rows->'folder') AS x(entry_uuid text, logical_id text, patient_id text,
                 unique_id text, status text, last_update_time text, last_update_time_key text,
                 home_community_id text, metadata text, leaf_xml text);
      END IF;
      IF p_rows ? 'folder_code' THEN
        INSERT INTO folder_code (entry_uuid, code, coding_scheme)
          SELECT entry_uuid, code, coding_scheme
            FROM jsonb_to_recordset(p_rows->'folder_code') AS x(entry_uuid text, code text, coding_scheme text);
      END IF;
      IF p_rows ? 'document_entry' THEN
        INSERT INTO document_entry (entry_uuid, logical_id, version, patient_id, unique_id, status, object_type,
            mime_type, hash, size, repository_unique_id, home_community_id, creation_time_key, service_start_time_key,
            service_stop_time_key, class_code, class_code_scheme, format_code, format_code_scheme,
            healthcare_facility_type_code, healthcare_facility_type_code_scheme, practice_setting_code,
            practice_setting_code_scheme, type_code, type_code_scheme, submission_set_uuid, metadata, leaf_xml)
          SELECT entry_uuid, logical_id, version, patient_id, unique_id, status, object_type, mime_type, hash, size,
                 repository_unique_id, home_community_id, creation_time_key, service_start_time_key,
                 service_stop_time_key, class_code, class_code_scheme, format_code, format_code_scheme,
                 healthcare_facility_type_code, healthcare_facility_type_code_scheme, practice_setting_code,
                 practice_setting_code_scheme, type_code, type_code_scheme, submission_set_uuid, metadata::jsonb,
                 leaf_xml
            FROM jsonb_to_recordset(p_rows->'document_entry') AS x(entry_uuid text, logical_id text, version integer,
                 patient_id text, unique_id text, status text, object_type text, mime_type text, hash text,
                 size bigint, repository_unique_id text, home_community_id text, creation_time_key text,
                 service_start_time_key text, service_stop_time_key text, class_code text, class_code_scheme text,
                 format_code text, format_code_scheme text, healthcare_facility_type_code text,
                 healthcare_facility_type_code_scheme text, practice_setting_code text,
                 practice_setting_code_scheme text, type_code text, type_code_scheme text,
                 submission_set_uuid text, metadata text, leaf_xml text);
      END IF;
      IF p_rows ? 'document_entry_code' THEN
        INSERT INTO document_entry_code (entry_uuid, attribute, code, coding_scheme)
          SELECT entry_uuid, attribute, code, coding_scheme
            FROM jsonb_to_recordset(p_rows->'document_entry_code') AS x(entry_uuid text, attribute text, code text, coding_scheme text);
      END IF;
      IF p_rows ? 'document_entry_author' THEN
        INSERT INTO document_entry_author (entry_uuid, person)
          SELECT entry_uuid, person FROM jsonb_to_recordset(p_rows->'document_entry_author') AS x(entry_uuid text, person text);
      END IF;
      IF p_rows ? 'document_entry_reference_id' THEN
        INSERT INTO document_entry_reference_id (entry_uuid, reference_id)
          SELECT entry_uuid, reference_id
            FROM jsonb_to_recordset(p_rows->'document_entry_reference_id') AS x(entry_uuid text, reference_id text);
      END IF;
      IF p_rows ? 'association' THEN
        INSERT INTO association (entry_uuid, association_type, source_uuid, target_uuid, status, metadata, leaf_xml)
          SELECT entry_uuid, association_type, source_uuid, target_uuid, status, metadata::jsonb, leaf_xml
            FROM jsonb_to_recordset(p_rows->'association') AS x(entry_uuid text, association_type text,
                 source_uuid text, target_uuid text, status text, metadata text, leaf_xml text);
      END IF;
      INSERT INTO audit_outbox (event_id, record)
        SELECT event_id, record FROM jsonb_to_recordset(p_rows->'audit_outbox') AS x(event_id uuid, record text);`,
  });
  await sql.raw(`DROP FUNCTION register_if_clear(text, text[], text[], text[], text[], text[], text)`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP FUNCTION register_rows_if_clear(text, text[], text[], text[], text[], text[], jsonb)`).execute(db);
  await createRegisterIfClear(db);
}
