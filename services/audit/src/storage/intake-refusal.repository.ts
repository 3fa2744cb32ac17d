import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { AuditDatabase } from "./audit-database.js";

export interface IntakeRefusal {
  readonly record: unknown;
  readonly reason: string;
}

export interface StoredIntakeRefusal {
  readonly eventId: string | null;
  readonly reason: string;
  readonly firstRefusedAt: Date;
  readonly lastRefusedAt: Date;
  readonly timesRefused: number;
}

/** Keeps the refused records for the dead letter, once each: a relay sending the same one again only counts. */
export async function recordIntakeRefusals(db: Kysely<AuditDatabase>, refusals: readonly IntakeRefusal[], now: Date): Promise<void> {
  const rows = new Map(
    refusals.map((r) => {
      // PostgreSQL keeps no NUL in text or jsonb; a refused record may hold one and must still be kept.
      const json = (JSON.stringify(r.record) ?? "null").replace(/\\u0000/g, "\\ufffd");
      const eventId = (r.record as { eventId?: unknown } | null)?.eventId;
      return [
        createHash("sha256").update(json).digest("hex"),
        { json, reason: r.reason, eventId: typeof eventId === "string" ? eventId.slice(0, 256).replaceAll("\0", "\ufffd") : null },
      ];
    }),
  );
  if (rows.size === 0) return;
  await db
    .insertInto("audit_intake_refusal")
    .values(
      [...rows].map(([hash, r]) => ({
        record_hash: hash,
        event_id: r.eventId,
        reason: r.reason,
        record: r.json,
        first_refused_at: now,
        last_refused_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column("record_hash").doUpdateSet({
        last_refused_at: now,
        reason: (eb) => eb.ref("excluded.reason"),
        times_refused: sql<number>`audit_intake_refusal.times_refused + 1`,
      }),
    )
    .execute();
}

/** The refused records, most recently refused first (ids and reasons, not the records). */
export async function listIntakeRefusals(db: Kysely<AuditDatabase>, limit: number): Promise<StoredIntakeRefusal[]> {
  const rows = await db
    .selectFrom("audit_intake_refusal")
    .select(["event_id", "reason", "first_refused_at", "last_refused_at", "times_refused"])
    .orderBy("last_refused_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ eventId: r.event_id, reason: r.reason, firstRefusedAt: r.first_refused_at, lastRefusedAt: r.last_refused_at, timesRefused: r.times_refused }));
}
