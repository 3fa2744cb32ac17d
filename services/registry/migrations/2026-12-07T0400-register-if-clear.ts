import { sql, type Kysely } from "kysely";

/** The checks: past them, the patient is active and no uniqueId or sender-chosen entryUUID is taken. */
const REGISTRATION_CLEAR_CHECKS = `
      -- The patient row comes first; no row at all means an unknown patient.
      FOR r IN SELECT * FROM registration_lookup(p_patient_id, p_lock_keys, p_document_ids, p_package_ids) LOOP
        IF r.found_kind = 'patient' THEN
          clear := r.patient_status = 'active';
        ELSIF r.found_kind = 'package' THEN
          clear := false;
        ELSIF r.found_kind = 'document' AND EXISTS (
          SELECT 1 FROM unnest(p_document_ids, p_document_hashes) AS x(unique_id, hash)
           WHERE x.unique_id = r.found_unique_id AND x.hash <> r.found_hash) THEN
          clear := false;
        END IF;
      END LOOP;
      IF NOT clear THEN
        RETURN false;
      END IF;
      IF cardinality(p_entry_uuids) > 0 AND (
           EXISTS (SELECT 1 FROM document_entry WHERE entry_uuid = ANY (p_entry_uuids))
        OR EXISTS (SELECT 1 FROM submission_set WHERE entry_uuid = ANY (p_entry_uuids))
        OR EXISTS (SELECT 1 FROM folder WHERE entry_uuid = ANY (p_entry_uuids))
        OR EXISTS (SELECT 1 FROM association WHERE entry_uuid = ANY (p_entry_uuids))) THEN
        RETURN false;
      END IF;
`;

/**
 * A registration function of this shape: the checks, then `writes` (PL/pgSQL statements using the last parameter)
 * when nothing refuses the submission, answering true; false, with nothing written, otherwise. register_rows_if_clear
 * (migration 2026-12-09T0400) is made the same way.
 */
export async function createClearRegistrationFunction(
  db: Kysely<unknown>,
  f: { readonly name: string; readonly rowsParameter: string; readonly setting: string; readonly writes: string },
): Promise<void> {
  // One statement, sent as is: the function body holds semicolons, which runSqlScript would split at.
  await sql
    .raw(
      `
    CREATE FUNCTION ${f.name}(
      p_patient_id text, p_lock_keys text[], p_document_ids text[], p_document_hashes text[], p_package_ids text[],
      p_entry_uuids text[], ${f.rowsParameter})
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SET ${f.setting} AS $fn$
    DECLARE
      r record;
      clear boolean := false;
    BEGIN
${REGISTRATION_CLEAR_CHECKS}${f.writes}
      RETURN true;
    END
    $fn$
    `,
    )
    .execute(db);
}

/**
 * A registration in one round trip when the registry's state cannot refuse it (ITI TF-2b 3.42.4.1.3.3 and
 * 3.42.4.1.3.5): the lookups of registration_lookup (patient share-locked, uniqueId advisory locks, then the
 * uniqueIds' registered uses), plus the sender-chosen entryUUIDs; when the patient is active, no uniqueId is taken
 * (a DocumentEntry's may be registered again with the same hash) and no entryUUID is used, the submission's
 * statement runs in the same transaction and the answer is true. Otherwise nothing is written and the answer is
 * false: the caller then runs the full registration, which names every error. The statement arrives with its values
 * inlined as literals, so it is parsed with standard_conforming_strings on whatever the session says.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createClearRegistrationFunction(db, {
    name: "register_if_clear",
    rowsParameter: "p_statement text",
    setting: "standard_conforming_strings = on",
    writes: "      EXECUTE p_statement;",
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP FUNCTION register_if_clear(text, text[], text[], text[], text[], text[], text)`).execute(db);
}
