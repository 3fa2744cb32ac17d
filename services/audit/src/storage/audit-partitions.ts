import { sql, type Kysely } from "kysely";
import type { AuditDatabase } from "./audit-database.js";

/** The name and UTC bounds of the monthly partition of audit_event holding `month`. */
export function monthlyPartitionOf(month: Date): { name: string; from: Date; to: Date } {
  const from = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1));
  const to = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
  const name = `audit_event_y${from.getUTCFullYear()}m${String(from.getUTCMonth() + 1).padStart(2, "0")}`;
  return { name, from, to };
}

export interface PartitionOutcome {
  readonly created: string[];
  /** Months whose rows already sit in the DEFAULT partition: PostgreSQL refuses the new partition (see below). */
  readonly skipped: string[];
}

const DUPLICATE_TABLE = "42P07";
/** Two sessions creating the same table at once: the loser trips over the catalog's unique index instead. */
const UNIQUE_VIOLATION = "23505";
/** "updated partition constraint for default partition would be violated". */
const CHECK_VIOLATION = "23514";

/**
 * Creates the monthly partitions of audit_event from the month of `now` to `monthsAhead` months later, those not
 * there yet. Idempotent; another instance creating the same month at once is no failure. A month for which the
 * DEFAULT partition already holds rows cannot be attached (PostgreSQL 18 docs, 5.12.2.2: the default partition would
 * no longer satisfy its constraint); those rows stay in DEFAULT and the month is reported as skipped.
 */
export async function ensureMonthlyPartitions(db: Kysely<AuditDatabase>, now: Date, monthsAhead: number): Promise<PartitionOutcome> {
  const existing = new Set(
    (
      await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_event'::regclass`.execute(db)
    ).rows.map((r) => r.name),
  );
  const created: string[] = [];
  const skipped: string[] = [];
  for (let i = 0; i <= monthsAhead; i++) {
    const { name, from, to } = monthlyPartitionOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1)));
    if (existing.has(name)) continue;
    try {
      await sql`CREATE TABLE IF NOT EXISTS ${sql.id(name)} PARTITION OF audit_event
        FOR VALUES FROM (${sql.lit(from.toISOString())}) TO (${sql.lit(to.toISOString())})`.execute(db);
      created.push(name);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === DUPLICATE_TABLE || code === UNIQUE_VIOLATION) continue;
      if (code === CHECK_VIOLATION) {
        skipped.push(name);
        continue;
      }
      throw err;
    }
  }
  return { created, skipped };
}
