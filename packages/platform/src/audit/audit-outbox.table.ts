import { sql, type ColumnType, type Generated, type Kysely } from "kysely";

/** The table every service with a database writes its audit records to, in the transaction of what they record. */
export const AUDIT_OUTBOX_TABLE = "audit_outbox";

export interface AuditOutboxTable {
  event_id: string;
  /** Relay order: the order the rows were written in (created_at is the same for every row of one transaction). */
  seq: Generated<string>;
  /** The AuditRecord as JSON text, checked before it was written. */
  record: string;
  created_at: ColumnType<Date, never, never>;
  /** Deliveries tried and failed; the last one's reason. */
  attempts: ColumnType<number, never, number>;
  last_error: ColumnType<string | null, never, string | null>;
  /** Refused as invalid by the audit intake: kept for an operator, no longer sent. */
  held_aside: ColumnType<boolean, never, boolean>;
}

/** The part of a service's database the outbox functions use. */
export interface AuditOutboxDatabase {
  audit_outbox: AuditOutboxTable;
}

/** Creates the outbox table (PostgreSQL and PGlite alike); each service's migration calls it. */
export async function createAuditOutboxTable(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_outbox (
      event_id    uuid PRIMARY KEY,
      seq         bigint GENERATED ALWAYS AS IDENTITY,
      record      text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      attempts    integer NOT NULL DEFAULT 0,
      last_error  text,
      held_aside  boolean NOT NULL DEFAULT false
    )`.execute(db);
  await sql`CREATE INDEX audit_outbox_pending ON audit_outbox (seq) WHERE NOT held_aside`.execute(db);
}

export async function dropAuditOutboxTable(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_outbox`.execute(db);
}
