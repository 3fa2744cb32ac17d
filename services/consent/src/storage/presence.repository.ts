import { sql, type Kysely, type Transaction } from "kysely";
import type { ConsentDatabase, PresenceAttemptOutcome } from "./consent-database.js";

/** Presence codes (stored as their HMAC only), the grants they start, attempts and lockouts: SQL only. */

/** The lockout scope that covers every patient (presence_lockout.patient_id). */
export const EVERY_PATIENT = "";

export async function insertPresenceCode(trx: Transaction<ConsentDatabase>, code: { codeHash: string; patientId: string; issuedAt: Date; expiresAt: Date }): Promise<void> {
  await trx.insertInto("presence_code").values({ code_hash: code.codeHash, patient_id: code.patientId, issued_at: code.issuedAt, expires_at: code.expiresAt, used_at: null, used_by: null }).execute();
}

/** Marks the code used when it belongs to the patient, is unused and not expired; false otherwise. One statement, so a code starts one grant only. */
export async function consumePresenceCode(trx: Transaction<ConsentDatabase>, patientId: string, codeHash: string, professionalId: string, now: Date): Promise<boolean> {
  const rows = await trx
    .updateTable("presence_code")
    .set({ used_at: now, used_by: professionalId })
    .where("code_hash", "=", codeHash)
    .where("patient_id", "=", patientId)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("code_hash")
    .execute();
  return rows.length > 0;
}

/** Ends the patient's running grants and expires the unused codes at `now`; answers how many grants ended. */
export async function endPresenceAccess(trx: Transaction<ConsentDatabase>, patientId: string, now: Date): Promise<number> {
  await trx.updateTable("presence_code").set({ expires_at: now }).where("patient_id", "=", patientId).where("used_at", "is", null).where("expires_at", ">", now).execute();
  const ended = await trx.updateTable("presence_grant").set({ ends_at: now }).where("patient_id", "=", patientId).where("ends_at", ">", now).returning("id").execute();
  return ended.length;
}

export async function insertPresenceGrant(
  trx: Transaction<ConsentDatabase>,
  grant: { patientId: string; professionalId: string; organizationId: string | null; startsAt: Date; endsAt: Date },
): Promise<void> {
  await trx
    .insertInto("presence_grant")
    .values({ patient_id: grant.patientId, professional_id: grant.professionalId, organization_id: grant.organizationId, starts_at: grant.startsAt, ends_at: grant.endsAt })
    .execute();
}

/** Grants of the patient running at `now`, newest first. */
export async function listRunningPresenceGrants(db: Kysely<ConsentDatabase> | Transaction<ConsentDatabase>, patientId: string, now: Date) {
  const rows = await db
    .selectFrom("presence_grant")
    .select(["professional_id", "organization_id", "starts_at", "ends_at"])
    .where("patient_id", "=", patientId)
    .where("ends_at", ">", now)
    .where("starts_at", "<=", now)
    .orderBy("starts_at", "desc")
    .execute();
  return rows.map((r) => ({ professionalId: r.professional_id, organizationId: r.organization_id, startsAt: r.starts_at, endsAt: r.ends_at }));
}

/**
 * Serializes the presence attempts of one professional until the transaction ends, so concurrent guesses cannot
 * all pass the lockout check before any of them is counted.
 */
export async function lockProfessionalAttempts(trx: Transaction<ConsentDatabase>, professionalId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`consent-presence:${professionalId}`}))`.execute(trx);
}

export async function insertPresenceAttempt(
  trx: Transaction<ConsentDatabase>,
  attempt: { patientId: string; professionalId: string; attemptedAt: Date; outcome: PresenceAttemptOutcome },
): Promise<void> {
  await trx
    .insertInto("presence_attempt")
    .values({ patient_id: attempt.patientId, professional_id: attempt.professionalId, attempted_at: attempt.attemptedAt, outcome: attempt.outcome })
    .execute();
}

/** The latest end of a lockout of the professional still running at `now`, for this patient or every patient. */
export async function findRunningLockout(trx: Transaction<ConsentDatabase>, professionalId: string, patientId: string, now: Date): Promise<Date | undefined> {
  const row = await trx
    .selectFrom("presence_lockout")
    .select((eb) => eb.fn.max("locked_until").as("until"))
    .where("professional_id", "=", professionalId)
    .where("patient_id", "in", [patientId, EVERY_PATIENT])
    .where("locked_until", ">", now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : undefined;
}

/** The end of the scope's last lockout, running or over; failures before it are already paid for. */
export async function lastLockoutEnd(trx: Transaction<ConsentDatabase>, professionalId: string, scope: string): Promise<Date | undefined> {
  const row = await trx.selectFrom("presence_lockout").select("locked_until").where("professional_id", "=", professionalId).where("patient_id", "=", scope).executeTakeFirst();
  return row?.locked_until;
}

/** Wrong codes the professional presented since `since`, for one patient or (scope EVERY_PATIENT) for all. */
export async function countFailedAttempts(trx: Transaction<ConsentDatabase>, professionalId: string, scope: string, since: Date): Promise<number> {
  let query = trx
    .selectFrom("presence_attempt")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("professional_id", "=", professionalId)
    .where("outcome", "=", "bad-code")
    .where("attempted_at", ">", since);
  if (scope !== EVERY_PATIENT) query = query.where("patient_id", "=", scope);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setLockout(trx: Transaction<ConsentDatabase>, professionalId: string, scope: string, lockedUntil: Date): Promise<void> {
  await trx
    .insertInto("presence_lockout")
    .values({ professional_id: professionalId, patient_id: scope, locked_until: lockedUntil })
    .onConflict((oc) => oc.columns(["professional_id", "patient_id"]).doUpdateSet({ locked_until: lockedUntil }))
    .execute();
}

export async function insertEmergencyAccess(
  db: Kysely<ConsentDatabase>,
  access: { patientId: string; professionalId: string; organizationId: string | null; action: string; accessedAt: Date },
): Promise<void> {
  await db
    .insertInto("emergency_access")
    .values({ patient_id: access.patientId, professional_id: access.professionalId, organization_id: access.organizationId, action: access.action, accessed_at: access.accessedAt })
    .execute();
}

/** The newest emergency accesses to the patient's record, at most `limit`. */
export async function listEmergencyAccesses(db: Kysely<ConsentDatabase>, patientId: string, limit: number) {
  const rows = await db
    .selectFrom("emergency_access")
    .select(["professional_id", "organization_id", "action", "accessed_at"])
    .where("patient_id", "=", patientId)
    .orderBy("accessed_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ professionalId: r.professional_id, organizationId: r.organization_id, action: r.action, accessedAt: r.accessed_at }));
}
