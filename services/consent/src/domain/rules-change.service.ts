import type { Kysely, Transaction } from "kysely";
import { insertChange } from "../storage/consent-change.repository.js";
import type { ConsentDatabase } from "../storage/consent-database.js";
import { incrementRulesVersion, lockPatientSettings, type PatientSettingsRow } from "../storage/patient-rules.repository.js";
import type { Actor } from "./actor.js";

/** What one change did: nothing (the rule was already so), or a named change with its detail for the log. */
export type ChangeOutcome = { readonly changed: false } | { readonly changed: true; readonly change: string; readonly detail: Record<string, unknown> };

/**
 * Applies one change to a patient's rules in one transaction, on the patient's locked settings row: the change,
 * then (when something changed) the next rules version and the change log entry with who, what and when. Changes
 * to one patient are serialized by the row lock, so versions never repeat and the log follows the versions.
 */
export async function applyRulesChange(
  db: Kysely<ConsentDatabase>,
  patientId: string,
  actor: Actor,
  now: Date,
  change: (trx: Transaction<ConsentDatabase>, current: PatientSettingsRow) => Promise<ChangeOutcome>,
): Promise<{ rulesVersion: number; changed: boolean }> {
  return db.transaction().execute((trx) => applyRulesChangeIn(trx, patientId, actor, now, change));
}

/** applyRulesChange inside a transaction the caller already holds. */
export async function applyRulesChangeIn(
  trx: Transaction<ConsentDatabase>,
  patientId: string,
  actor: Actor,
  now: Date,
  change: (trx: Transaction<ConsentDatabase>, current: PatientSettingsRow) => Promise<ChangeOutcome>,
): Promise<{ rulesVersion: number; changed: boolean }> {
  const current = await lockPatientSettings(trx, patientId, now);
  const outcome = await change(trx, current);
  if (!outcome.changed) return { rulesVersion: current.rulesVersion, changed: false };
  const rulesVersion = await incrementRulesVersion(trx, patientId, now);
  await insertChange(trx, { patientId, rulesVersion, changedAt: now, actor: { kind: actor.kind, id: actor.id }, change: outcome.change, detail: outcome.detail });
  return { rulesVersion, changed: true };
}
