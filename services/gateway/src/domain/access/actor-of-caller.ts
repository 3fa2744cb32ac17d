import type { Actor } from "@opendsp/platform";
import type { XuaIdentity } from "@opendsp/soap";
import type { SystemIdentity } from "../systems/known-systems.js";

/** Which XUA role codes make a user the patient, or a representative acting for the patient, rather than a professional. */
export interface ActorRoles {
  readonly patient: ReadonlySet<string>;
  readonly representative: ReadonlySet<string>;
}

/**
 * The party a request acts for, as the consent service knows parties: the user of a verified XUA assertion when there
 * is one (a hospital's system sending for a doctor acts for the doctor, ITI TF-2b 3.40: the assertion names the user
 * behind the request), else the system mutual TLS authenticated; undefined when neither.
 * - a patient role: the patient themself, whose subject id is their patient id;
 * - a representative role: a legal representative or companion, for the patient of the assertion's resource-id;
 * - any other role: a professional, with their roles, organization and purpose of use (EMERGENCY asks for
 *   break-the-glass access).
 */
export function actorOfCaller(user: XuaIdentity | undefined, system: SystemIdentity | undefined, roles: ActorRoles): Actor | undefined {
  if (user === undefined) return system === undefined ? undefined : { kind: "system", id: system.id, organizationId: system.organizationId };
  const codes = user.roles.map((r) => r.code);
  const optional = {
    ...(user.organizationId === undefined ? {} : { organizationId: user.organizationId }),
    ...(user.purposeOfUse === undefined ? {} : { purposeOfUse: user.purposeOfUse.code }),
    ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
  };
  if (codes.some((c) => roles.patient.has(c))) return { kind: "patient", id: user.subjectId, ...optional };
  if (codes.some((c) => roles.representative.has(c))) return { kind: "representative", id: user.subjectId, roles: codes.slice(0, 32), ...optional };
  return { kind: "professional", id: user.subjectId, roles: codes.slice(0, 32), ...optional };
}

/**
 * The patient a request is about when the message itself does not say (ITI-18 Get* queries by id, which name no
 * patient): the patient acting on their own record, else the assertion's resource-id (XUA, the patient the user
 * declared to work on).
 */
export function declaredPatientOf(actor: Actor): string | undefined {
  return actor.kind === "patient" ? actor.id : actor.patientId;
}

export function rolesFromConfig(patientRoles: string, representativeRoles: string): ActorRoles {
  return { patient: new Set(patientRoles.split(",")), representative: new Set(representativeRoles.split(",")) };
}
