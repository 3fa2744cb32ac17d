import type { Kysely, Transaction } from "kysely";
import type { ConsentDatabase } from "./consent-database.js";

/** The change log of a patient's rules: who changed what, when, and the rules version it produced. */

export interface ChangeEntry {
  readonly id: string;
  readonly rulesVersion: number;
  readonly changedAt: Date;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly change: string;
  readonly detail: Record<string, unknown>;
}

export async function insertChange(
  trx: Transaction<ConsentDatabase>,
  entry: { patientId: string; rulesVersion: number; changedAt: Date; actor: { kind: string; id: string }; change: string; detail: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto("consent_change")
    .values({
      patient_id: entry.patientId,
      rules_version: entry.rulesVersion,
      changed_at: entry.changedAt,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      change: entry.change,
      detail: JSON.stringify(entry.detail),
    })
    .execute();
}

/** Newest first; `limit + 1` rows are read so the caller knows whether another page follows. */
export async function listChanges(db: Kysely<ConsentDatabase>, patientId: string, page: { limit: number; offset: number }): Promise<{ items: ChangeEntry[]; more: boolean }> {
  const rows = await db
    .selectFrom("consent_change")
    .selectAll()
    .where("patient_id", "=", patientId)
    .orderBy("id", "desc")
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  return {
    items: rows.slice(0, page.limit).map((r) => ({
      id: String(r.id),
      rulesVersion: r.rules_version,
      changedAt: r.changed_at,
      actor: { kind: r.actor_kind, id: r.actor_id },
      change: r.change,
      detail: r.detail,
    })),
    more: rows.length > page.limit,
  };
}
