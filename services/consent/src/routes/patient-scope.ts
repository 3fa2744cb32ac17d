import type { FastifyRequest } from "fastify";
import type { ConsentDeps } from "../consent-deps.js";
import { authorizeRulesAccess } from "../domain/authorize-rules-access.js";
import type { ChangeContext } from "../domain/patient-rules.service.js";
import { findPatientSettings } from "../storage/patient-rules.repository.js";
import { actorOf } from "./actor-header.js";

/** The actor of a patient-facing request, allowed to see (GET) or change the rules of the path's patient. */
export async function patientContext(deps: ConsentDeps, request: FastifyRequest<{ Params: { patientId: string } }>, need: "see" | "manage"): Promise<ChangeContext> {
  const actor = actorOf(request);
  const { patientId } = request.params;
  await authorizeRulesAccess(deps.db, patientId, actor, need);
  return { db: deps.db, patientId, actor, now: deps.now() };
}

/** The patient's rules version; 0 for a patient who never set a rule. */
export async function rulesVersionOf(deps: ConsentDeps, patientId: string): Promise<number> {
  return (await findPatientSettings(deps.db, patientId))?.rulesVersion ?? 0;
}
