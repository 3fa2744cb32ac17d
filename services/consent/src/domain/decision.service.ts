import type { ConsentDeps } from "../consent-deps.js";
import { loadPatientRules } from "../storage/patient-rules.repository.js";
import { insertEmergencyAccess } from "../storage/presence.repository.js";
import type { Actor } from "./actor.js";
import { decideAccess, type AccessAction, type AccessDecision } from "./decide-access.js";
import { defaultRules } from "./patient-rules.js";

/**
 * The decision API's work: the patient's current rules, the pure decision, and for a break-the-glass permit a
 * record of the access, which the patient sees in their access grants (the emergency flag tells the caller too).
 */
export async function decide(deps: ConsentDeps, request: { actor: Actor; patientId: string; action: AccessAction }): Promise<AccessDecision> {
  const now = deps.now();
  const rules = (await loadPatientRules(deps.db, request.patientId, now)) ?? defaultRules(request.patientId);
  const decision = decideAccess(rules, request.actor, request.action, now, deps.policy);
  if (decision.decision === "permit" && decision.emergency) {
    await insertEmergencyAccess(deps.db, {
      patientId: request.patientId,
      professionalId: request.actor.id,
      organizationId: request.actor.organizationId ?? null,
      action: request.action,
      accessedAt: now,
    });
  }
  return decision;
}
