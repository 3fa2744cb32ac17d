import type { Actor } from "@opendsp/platform";
import { AuditError } from "./audit-error.js";

/** Whether the actor holds one of the auditor roles, which read every record. */
export function isAuditor(actor: Actor, auditorRoles: readonly string[]): boolean {
  return (actor.roles ?? []).some((role) => auditorRoles.includes(role));
}

/**
 * Who may read a patient's access history: the patient themself, a representative acting for them (the gateway
 * names the patient in the actor's patientId after consent accepted the representative), or an auditor. A patient
 * has the right to know who accessed their record; professionals do not read other professionals' accesses.
 */
export function authorizeHistoryRead(actor: Actor, patientId: string, auditorRoles: readonly string[]): void {
  if (isAuditor(actor, auditorRoles)) return;
  if (actor.kind === "patient" && actor.id === patientId) return;
  if (actor.kind === "representative" && actor.patientId === patientId) return;
  throw new AuditError("AUDIT_FORBIDDEN", "only the patient, a representative acting for them or an auditor reads this access history");
}

/** Searches without a patient and the dead letter: auditors only. */
export function authorizeAuditorRead(actor: Actor, auditorRoles: readonly string[]): void {
  if (!isAuditor(actor, auditorRoles)) throw new AuditError("AUDIT_FORBIDDEN", "only an auditor reads this");
}
