import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The statistics the DSP publishes, kept per month of registration (UTC, "YYYY-MM"): documents per classCode and
 * typeCode, and the records (patients) whose first document was registered that month. A month's rows are
 * recomputed from document_entry as a whole, so a recount run twice gives the same numbers. Absent codes are ''.
 * The indexes serve the recount: documents of a month by registration time, and "had this patient a document
 * before this month" by patient and time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE statistics_month (
      month          char(7) PRIMARY KEY,
      new_records    integer NOT NULL,
      recounted_at   timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE document_statistics (
      month              char(7) NOT NULL REFERENCES statistics_month (month) ON DELETE CASCADE,
      class_code         text NOT NULL,
      class_code_scheme  text NOT NULL,
      type_code          text NOT NULL,
      type_code_scheme   text NOT NULL,
      documents          integer NOT NULL,
      PRIMARY KEY (month, class_code, class_code_scheme, type_code, type_code_scheme)
    );

    CREATE INDEX document_entry_registered_at ON document_entry (registered_at);
    CREATE INDEX document_entry_patient_registered_at ON document_entry (patient_id, registered_at);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `DROP INDEX document_entry_patient_registered_at; DROP INDEX document_entry_registered_at;
     DROP TABLE document_statistics, statistics_month;`,
  );
}
