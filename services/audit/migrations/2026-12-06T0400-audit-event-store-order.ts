import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The store order of audit_event, which the ITI-20 forwarder follows: seq, from one sequence shared by every
 * partition. Writers take seq values under a transaction-level lock (storage/audit-event.repository.ts), so seq
 * order is commit order and a row never becomes visible behind a cursor already read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, SCHEMA);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, "ALTER TABLE audit_event DROP COLUMN seq; DROP SEQUENCE IF EXISTS audit_event_seq;");
}

const SCHEMA = `
    CREATE SEQUENCE audit_event_seq AS bigint;

    ALTER TABLE audit_event ADD COLUMN seq bigint NOT NULL DEFAULT nextval('audit_event_seq');

    ALTER SEQUENCE audit_event_seq OWNED BY audit_event.seq;

    CREATE INDEX audit_event_store_order ON audit_event (seq);
`;
