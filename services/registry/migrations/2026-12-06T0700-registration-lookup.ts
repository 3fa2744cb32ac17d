import { sql, type Kysely } from "kysely";

/**
 * The lookups a registration makes before its checks (ITI TF-2b 3.42.4.1.3.3 and 3.42.4.1.3.5), in one round trip:
 * the patient, share-locked so that a merge waits; advisory locks on the submission's uniqueIds (in the caller's
 * order) so that two registrations of the same uniqueIds run one after the other; then the registered uses of the
 * uniqueIds. The uses must be read by a statement that starts after the locks are held, so that they include what
 * the locks waited for: in a VOLATILE PL/pgSQL function every statement takes its own snapshot (READ COMMITTED),
 * which one plain SQL statement cannot do. Without the patient nothing is locked or read (the submission is refused).
 * Rows: one 'patient' row (status, merged_into), then one row per use ('document' with its hash, or 'package').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement, sent as is: the function body holds semicolons, which runSqlScript would split at.
  await sql
    .raw(
      `
    CREATE FUNCTION registration_lookup(p_patient_id text, p_lock_keys text[], p_document_ids text[], p_package_ids text[])
    RETURNS TABLE (found_kind text, found_unique_id text, found_hash text, patient_status text, patient_merged_into text)
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      found_patient record;
    BEGIN
      SELECT p.status, p.merged_into INTO found_patient FROM patient p WHERE p.patient_id = p_patient_id FOR SHARE;
      IF NOT FOUND THEN
        RETURN;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext(t.k)) FROM unnest(p_lock_keys) WITH ORDINALITY AS t(k, n) ORDER BY t.n;
      RETURN QUERY SELECT 'patient'::text, NULL::text, NULL::text, found_patient.status::text, found_patient.merged_into::text;
      RETURN QUERY
        SELECT 'document'::text, d.unique_id, coalesce(d.hash, ''), NULL::text, NULL::text
          FROM document_entry d WHERE d.unique_id = ANY (p_document_ids)
        UNION ALL
        SELECT 'package'::text, s.unique_id, ''::text, NULL::text, NULL::text
          FROM submission_set s WHERE s.unique_id = ANY (p_package_ids)
        UNION ALL
        SELECT 'package'::text, f.unique_id, ''::text, NULL::text, NULL::text
          FROM folder f WHERE f.unique_id = ANY (p_package_ids);
    END
    $fn$
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP FUNCTION registration_lookup(text, text[], text[], text[])`).execute(db);
}
