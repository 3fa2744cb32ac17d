import { runSqlScript } from "@opendsp/platform";
import type { Kysely } from "kysely";

/**
 * The store order of audit_event, which the ITI-20 forwarder follows. seq comes from one sequence shared by every
 * partition; stored_xid is the writing transaction. A sequence value is taken before its transaction commits, so a
 * reader that followed seq alone could pass a row whose transaction commits later: the forwarder reads only rows of
 * transactions older than every one still running (pg_snapshot_xmin) in (stored_xid, seq) order, where no row can
 * appear behind its cursor any more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, SCHEMA);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(db, "ALTER TABLE audit_event DROP COLUMN stored_xid, DROP COLUMN seq; DROP SEQUENCE audit_event_seq;");
}

const SCHEMA = `
    CREATE SEQUENCE audit_event_seq AS bigint;

    ALTER TABLE audit_event
      ADD COLUMN seq bigint NOT NULL DEFAULT nextval('audit_event_seq'),
      ADD COLUMN stored_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

    ALTER SEQUENCE audit_event_seq OWNED BY audit_event.seq;

    CREATE INDEX audit_event_store_order ON audit_event (stored_xid, seq);
`;
