import type { ConsentDeps, ConsentSettings } from "../consent-deps.js";
import { findPatientSettings } from "../storage/patient-rules.repository.js";
import {
  EVERY_PATIENT,
  consumePresenceCode,
  countFailedAttempts,
  findRunningLockout,
  insertPresenceAttempt,
  insertPresenceCode,
  insertPresenceGrant,
  lastLockoutEnd,
  lockProfessionalAttempts,
  setLockout,
} from "../storage/presence.repository.js";
import type { Actor } from "./actor.js";
import { ConsentError } from "./consent-error.js";
import { generatePresenceCode, hashPresenceCode } from "./presence-code.js";
import { applyRulesChange, applyRulesChangeIn } from "./rules-change.service.js";

/**
 * Presence codes: the patient issues a one-off code and shows it to a professional in person; the professional who
 * presents it gets read access for CONSENT_PRESENCE_GRANT_SECONDS. Codes are single-use, expire unused after
 * CONSENT_PRESENCE_CODE_TTL_SECONDS and are stored as their HMAC only.
 */

export interface IssuedPresenceCode {
  /** Shown once, to the patient; never stored nor logged. */
  readonly code: string;
  readonly expiresAt: Date;
  readonly rulesVersion: number;
}

export async function issuePresenceCode(deps: ConsentDeps, settings: ConsentSettings, patientId: string, actor: Actor): Promise<IssuedPresenceCode> {
  const now = deps.now();
  const code = generatePresenceCode();
  const expiresAt = new Date(now.getTime() + settings.CONSENT_PRESENCE_CODE_TTL_SECONDS * 1000);
  const { rulesVersion } = await applyRulesChange(deps.db, patientId, actor, now, async (trx, current) => {
    // A closed record admits no professional, so a code could only mislead the patient.
    if (current.recordState === "closed") throw new ConsentError("CONSENT_RECORD_CLOSED", "the record is closed: no professional can be given access");
    await insertPresenceCode(trx, { codeHash: hashPresenceCode(deps.presenceCodeKey, patientId, code), patientId, issuedAt: now, expiresAt });
    return { changed: true, change: "presence-code.issued", detail: { expiresAt: expiresAt.toISOString() } };
  });
  return { code, expiresAt, rulesVersion };
}

export interface StartedPresenceGrant {
  readonly professionalId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly rulesVersion: number;
}

type AttemptResult = { kind: "granted"; grant: StartedPresenceGrant } | { kind: "bad-code" } | { kind: "locked-out"; until: Date } | { kind: "record-closed" };

/**
 * A professional presents a code. Guessing is throttled: a professional who presented
 * CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT wrong codes for one patient, or CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL
 * for all patients together, within CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS is locked out for
 * CONSENT_PRESENCE_LOCKOUT_SECONDS, when even the right code is refused (and stays usable afterwards). Failures
 * before the end of the last lockout are not counted again. Every attempt is recorded, committed even when refused.
 */
export async function startPresenceGrant(deps: ConsentDeps, settings: ConsentSettings, patientId: string, actor: Actor, code: string): Promise<StartedPresenceGrant> {
  if (actor.kind !== "professional") throw new ConsentError("CONSENT_FORBIDDEN", "only a professional can present a presence code");
  const now = deps.now();
  const professionalId = actor.id;
  const result = await deps.db.transaction().execute(async (trx): Promise<AttemptResult> => {
    await lockProfessionalAttempts(trx, professionalId);
    const lockedUntil = await findRunningLockout(trx, professionalId, patientId, now);
    if (lockedUntil) {
      await insertPresenceAttempt(trx, { patientId, professionalId, attemptedAt: now, outcome: "locked-out" });
      return { kind: "locked-out", until: lockedUntil };
    }
    const settingsRow = await findPatientSettings(trx, patientId);
    if (settingsRow?.recordState === "closed") return { kind: "record-closed" };
    const codeHash = hashPresenceCode(deps.presenceCodeKey, patientId, code);
    if (!(await consumePresenceCode(trx, patientId, codeHash, professionalId, now))) {
      await insertPresenceAttempt(trx, { patientId, professionalId, attemptedAt: now, outcome: "bad-code" });
      await lockOutWhenTooManyFailures(trx, settings, professionalId, patientId, now);
      return { kind: "bad-code" };
    }
    await insertPresenceAttempt(trx, { patientId, professionalId, attemptedAt: now, outcome: "granted" });
    const endsAt = new Date(now.getTime() + settings.CONSENT_PRESENCE_GRANT_SECONDS * 1000);
    const { rulesVersion } = await applyRulesChangeIn(trx, patientId, actor, now, async (inner) => {
      await insertPresenceGrant(inner, { patientId, professionalId, organizationId: actor.organizationId ?? null, startsAt: now, endsAt });
      return { changed: true, change: "presence-grant.started", detail: { professionalId, endsAt: endsAt.toISOString() } };
    });
    return { kind: "granted", grant: { professionalId, startsAt: now, endsAt, rulesVersion } };
  });
  switch (result.kind) {
    case "granted":
      return result.grant;
    case "bad-code":
      throw new ConsentError("CONSENT_BAD_PRESENCE_CODE", "the presence code is wrong, used or expired");
    case "locked-out":
      throw new ConsentError("CONSENT_LOCKED_OUT", "too many wrong presence codes: try again later", {
        retryAfterSeconds: Math.max(1, Math.ceil((result.until.getTime() - now.getTime()) / 1000)),
      });
    case "record-closed":
      throw new ConsentError("CONSENT_RECORD_CLOSED", "the record is closed: no professional can be given access");
  }
}

async function lockOutWhenTooManyFailures(
  trx: Parameters<typeof lockProfessionalAttempts>[0],
  settings: ConsentSettings,
  professionalId: string,
  patientId: string,
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - settings.CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS * 1000);
  const lockedUntil = new Date(now.getTime() + settings.CONSENT_PRESENCE_LOCKOUT_SECONDS * 1000);
  const scopes: [string, number][] = [
    [patientId, settings.CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT],
    [EVERY_PATIENT, settings.CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL],
  ];
  for (const [scope, max] of scopes) {
    const previousEnd = await lastLockoutEnd(trx, professionalId, scope);
    const since = previousEnd && previousEnd > windowStart ? previousEnd : windowStart;
    if ((await countFailedAttempts(trx, professionalId, scope, since)) >= max) await setLockout(trx, professionalId, scope, lockedUntil);
  }
}
