import { EMERGENCY_PURPOSE_OF_USE, type Actor } from "./actor.js";
import type { PatientRules } from "./patient-rules.js";

export type AccessAction = "read" | "publish";

export type DecisionBasis = "patient" | "representative" | "referring-doctor" | "trust-circle" | "presence-grant" | "emergency" | "system";

/** Stable reasons of a denial; callers branch on them, so they never change meaning. */
export type DenyReason =
  | "record-closed"
  | "blacklisted"
  | "emergency-refused"
  | "no-relationship"
  | "no-read-right"
  | "no-manage-right"
  | "system-cannot-read";

export interface AccessDecision {
  readonly decision: "permit" | "deny";
  readonly basis?: DecisionBasis;
  readonly reason?: DenyReason;
  /** A break-the-glass permit: the patient is told about it afterwards. */
  readonly emergency: boolean;
  /** Documents hidden from this actor, except those the actor authored (see authorExemption). */
  readonly maskedDocumentUniqueIds: readonly string[];
  /** The registry must still show the actor the masked documents the actor authored. */
  readonly authorExemption: boolean;
  readonly rulesVersion: number;
  /** The decision holds at most until then (the end of a presence grant); absent: until the rules version changes. */
  readonly validUntil?: Date;
}

export interface AccessPolicy {
  /** Roles that may break the glass with purpose of use EMERGENCY. */
  readonly emergencyRoles: readonly string[];
}

/**
 * The access model of the shared care record, in one pure function of the patient's rules, the actor, the action
 * and the time. The order of the checks is the order of precedence:
 *
 * 1. Nothing is published into a closed record, by anybody.
 * 2. The patient (actor id = patient id) reads always and publishes into an open record; masking never applies.
 * 3. A representative reads with the `read` right and publishes with `manage` (adding to the record acts for the
 *    patient as changing rules does); a closed record keeps their read access; masking never applies.
 * 4. A system (a laboratory authenticated by mutual TLS) publishes into an open record; it never reads: reading
 *    needs a person answerable for it.
 * 5. A professional: a closed record refuses every professional; then the blacklist beats every basis, emergency
 *    included; then referring doctor, trust circle and a running presence grant, each giving read and publish;
 *    then break-the-glass (emergency role and purpose EMERGENCY) gives read only, unless the patient refused it.
 *    Masked documents stay hidden from professionals, in emergency too; the registry shows authors their own.
 */
export function decideAccess(rules: PatientRules, actor: Actor, action: AccessAction, now: Date, policy: AccessPolicy): AccessDecision {
  const closed = rules.recordState === "closed";
  const version = rules.rulesVersion;
  const deny = (reason: DenyReason): AccessDecision => ({ decision: "deny", reason, emergency: false, maskedDocumentUniqueIds: [], authorExemption: false, rulesVersion: version });
  const permitUnmasked = (basis: DecisionBasis): AccessDecision => ({ decision: "permit", basis, emergency: false, maskedDocumentUniqueIds: [], authorExemption: false, rulesVersion: version });

  if (action === "publish" && closed) return deny("record-closed");

  switch (actor.kind) {
    case "patient":
      return actor.id === rules.patientId ? permitUnmasked("patient") : deny("no-relationship");
    case "representative": {
      const representative = rules.representatives.find((r) => r.personId === actor.id);
      if (!representative) return deny("no-relationship");
      const needed = action === "read" ? "read" : "manage";
      if (!representative.rights.includes(needed)) return deny(needed === "read" ? "no-read-right" : "no-manage-right");
      return permitUnmasked("representative");
    }
    case "system":
      return action === "publish" ? permitUnmasked("system") : deny("system-cannot-read");
    case "professional":
      break;
  }

  if (closed) return deny("record-closed");
  if (rules.blacklist.includes(actor.id)) return deny("blacklisted");

  const permitProfessional = (basis: DecisionBasis, extra: { emergency?: boolean; validUntil?: Date } = {}): AccessDecision => ({
    decision: "permit",
    basis,
    emergency: extra.emergency ?? false,
    // Masking hides documents from reading; a publication adds a document and has nothing to hide.
    maskedDocumentUniqueIds: action === "read" ? [...rules.maskedDocumentUniqueIds] : [],
    authorExemption: action === "read" && rules.maskedDocumentUniqueIds.length > 0,
    rulesVersion: version,
    ...(extra.validUntil ? { validUntil: extra.validUntil } : {}),
  });

  if (rules.referringDoctor === actor.id) return permitProfessional("referring-doctor");
  if (rules.trustCircle.includes(actor.id)) return permitProfessional("trust-circle");
  const grant = latestRunningGrant(rules, actor.id, now);
  if (grant) return permitProfessional("presence-grant", { validUntil: grant.endsAt });

  if (action === "read" && isEmergencyRequest(actor, policy)) {
    return rules.emergencyRefused ? deny("emergency-refused") : permitProfessional("emergency", { emergency: true });
  }
  return deny("no-relationship");
}

function latestRunningGrant(rules: PatientRules, professionalId: string, now: Date) {
  let best: PatientRules["presenceGrants"][number] | undefined;
  for (const grant of rules.presenceGrants) {
    if (grant.professionalId !== professionalId || grant.startsAt > now || grant.endsAt <= now) continue;
    if (!best || grant.endsAt > best.endsAt) best = grant;
  }
  return best;
}

function isEmergencyRequest(actor: Actor, policy: AccessPolicy): boolean {
  return actor.purposeOfUse === EMERGENCY_PURPOSE_OF_USE && (actor.roles ?? []).some((role) => policy.emergencyRoles.includes(role));
}
