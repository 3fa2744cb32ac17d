import type { Kysely } from "kysely";
import type { ConsentDatabase } from "../storage/consent-database.js";
import {
  addMaskedDocument,
  addProfessional,
  removeMaskedDocument,
  removeProfessional,
  removeRepresentative,
  updatePatientSettings,
  upsertRepresentative,
  findRepresentative,
  type ProfessionalList,
} from "../storage/patient-rules.repository.js";
import { endPresenceAccess } from "../storage/presence.repository.js";
import type { Actor } from "./actor.js";
import { ConsentError } from "./consent-error.js";
import type { RepresentativeRelation, RepresentativeRight } from "./patient-rules.js";
import { applyRulesChange } from "./rules-change.service.js";

/**
 * The patient's changes to their rules. Each is one transaction through applyRulesChange: a change that changes
 * nothing (adding a member already there) keeps the rules version; removing what is not there is CONSENT_NOT_FOUND.
 */

export interface ChangeContext {
  readonly db: Kysely<ConsentDatabase>;
  readonly patientId: string;
  readonly actor: Actor;
  readonly now: Date;
}

export type ChangeResult = Promise<{ rulesVersion: number; changed: boolean }>;

const LIST_NAMES: Readonly<Record<ProfessionalList, string>> = { trust_circle_member: "trust-circle", blacklist_member: "blacklist" };

export function addToProfessionalList(ctx: ChangeContext, list: ProfessionalList, professionalId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) =>
    (await addProfessional(trx, list, ctx.patientId, professionalId, ctx.now)) ? { changed: true, change: `${LIST_NAMES[list]}.added`, detail: { professionalId } } : { changed: false },
  );
}

export function removeFromProfessionalList(ctx: ChangeContext, list: ProfessionalList, professionalId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) => {
    if (!(await removeProfessional(trx, list, ctx.patientId, professionalId))) throw new ConsentError("CONSENT_NOT_FOUND", `the professional is not on the patient's ${LIST_NAMES[list]}`);
    return { changed: true, change: `${LIST_NAMES[list]}.removed`, detail: { professionalId } };
  });
}

export function setReferringDoctor(ctx: ChangeContext, professionalId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx, current) => {
    if (current.referringDoctor === professionalId) return { changed: false };
    await updatePatientSettings(trx, ctx.patientId, { referringDoctor: professionalId }, ctx.now);
    return { changed: true, change: "referring-doctor.set", detail: { professionalId, previous: current.referringDoctor } };
  });
}

export function removeReferringDoctor(ctx: ChangeContext): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx, current) => {
    if (current.referringDoctor === null) throw new ConsentError("CONSENT_NOT_FOUND", "the patient has no referring doctor");
    await updatePatientSettings(trx, ctx.patientId, { referringDoctor: null }, ctx.now);
    return { changed: true, change: "referring-doctor.removed", detail: { professionalId: current.referringDoctor } };
  });
}

export function setEmergencyAccessRefused(ctx: ChangeContext, refused: boolean): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx, current) => {
    if (current.emergencyRefused === refused) return { changed: false };
    await updatePatientSettings(trx, ctx.patientId, { emergencyRefused: refused }, ctx.now);
    return { changed: true, change: "emergency-access.set", detail: { refused } };
  });
}

export function maskDocument(ctx: ChangeContext, documentUniqueId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) =>
    (await addMaskedDocument(trx, ctx.patientId, documentUniqueId, ctx.now)) ? { changed: true, change: "masked-document.added", detail: { documentUniqueId } } : { changed: false },
  );
}

export function unmaskDocument(ctx: ChangeContext, documentUniqueId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) => {
    if (!(await removeMaskedDocument(trx, ctx.patientId, documentUniqueId))) throw new ConsentError("CONSENT_NOT_FOUND", "the document is not masked");
    return { changed: true, change: "masked-document.removed", detail: { documentUniqueId } };
  });
}

export function setRepresentative(ctx: ChangeContext, personId: string, rights: readonly RepresentativeRight[], relation: RepresentativeRelation | null): ChangeResult {
  const sortedRights = [...new Set(rights)].sort();
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) => {
    const previous = await findRepresentative(trx, ctx.patientId, personId);
    if (previous && previous.relation === relation && [...previous.rights].sort().join() === sortedRights.join()) return { changed: false };
    await upsertRepresentative(trx, ctx.patientId, { personId, rights: sortedRights, relation }, ctx.now);
    return { changed: true, change: "representative.set", detail: { personId, rights: sortedRights, relation, previousRights: previous?.rights ?? null } };
  });
}

export function removeRepresentativeOf(ctx: ChangeContext, personId: string): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx) => {
    if (!(await removeRepresentative(trx, ctx.patientId, personId))) throw new ConsentError("CONSENT_NOT_FOUND", "the person is not a representative of the patient");
    return { changed: true, change: "representative.removed", detail: { personId } };
  });
}

/**
 * Closing keeps the patient's standing rules (a reopened record has the trust circle, masks and representatives it
 * had) but ends presence grants and unused codes: they were given for a visit, and a reopening is not one.
 */
export function closeRecord(ctx: ChangeContext): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx, current) => {
    if (current.recordState === "closed") throw new ConsentError("CONSENT_RECORD_STATE_CONFLICT", "the record is already closed");
    await updatePatientSettings(trx, ctx.patientId, { recordState: "closed" }, ctx.now);
    const endedGrants = await endPresenceAccess(trx, ctx.patientId, ctx.now);
    return { changed: true, change: "record.closed", detail: { previous: current.recordState, endedPresenceGrants: endedGrants } };
  });
}

export function reopenRecord(ctx: ChangeContext): ChangeResult {
  return applyRulesChange(ctx.db, ctx.patientId, ctx.actor, ctx.now, async (trx, current) => {
    if (current.recordState !== "closed") throw new ConsentError("CONSENT_RECORD_STATE_CONFLICT", "only a closed record can be reopened");
    await updatePatientSettings(trx, ctx.patientId, { recordState: "reopened" }, ctx.now);
    return { changed: true, change: "record.reopened", detail: {} };
  });
}
