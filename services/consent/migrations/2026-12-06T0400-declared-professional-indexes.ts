import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * Indexes for GET /internal/statistics, which counts the professionals patients declared live in SQL: trust circle
 * members by professional (the primary key leads with the patient), and the declared referring doctors (a partial
 * index: most patients declare none).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `CREATE INDEX trust_circle_member_professional ON trust_circle_member (professional_id);
     CREATE INDEX patient_rules_referring_doctor ON patient_rules (referring_doctor) WHERE referring_doctor IS NOT NULL;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, `DROP INDEX patient_rules_referring_doctor; DROP INDEX trust_circle_member_professional;`);
}
