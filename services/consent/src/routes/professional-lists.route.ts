import type { FastifyInstance } from "fastify";
import Type from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { addToProfessionalList, removeFromProfessionalList } from "../domain/patient-rules.service.js";
import { listProfessionals, type ProfessionalList } from "../storage/patient-rules.repository.js";
import { patientContext, rulesVersionOf } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, ChangeReply, DateTime, PatientParams, ProfessionalParams } from "./route-schemas.js";

const ListReply = Type.Object({
  rulesVersion: Type.Integer(),
  items: Type.Array(Type.Object({ professionalId: Type.String(), addedAt: DateTime })),
});

/**
 * The trust circle (professionals the patient trusts, who may read) and the blacklist (professionals denied on
 * every basis, emergency included): the same list operations on two lists.
 */
export function registerProfessionalListRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  const lists: [string, ProfessionalList][] = [
    ["trust-circle", "trust_circle_member"],
    ["blacklist", "blacklist_member"],
  ];
  for (const [path, list] of lists) {
    app.get<{ Params: PatientParams }>(
      `/api/consent/patients/:patientId/${path}`,
      { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: ListReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
      async (request) => {
        const ctx = await patientContext(deps, request, "see");
        const items = await listProfessionals(deps.db, list, ctx.patientId);
        return { rulesVersion: await rulesVersionOf(deps, ctx.patientId), items: items.map((i) => ({ professionalId: i.professionalId, addedAt: i.addedAt.toISOString() })) };
      },
    );
    app.put<{ Params: ProfessionalParams }>(
      `/api/consent/patients/:patientId/${path}/:professionalId`,
      { schema: { params: ProfessionalParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
      async (request) => addToProfessionalList(await patientContext(deps, request, "manage"), list, request.params.professionalId),
    );
    app.delete<{ Params: ProfessionalParams }>(
      `/api/consent/patients/:patientId/${path}/:professionalId`,
      { schema: { params: ProfessionalParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_NOT_FOUND") } } },
      async (request) => removeFromProfessionalList(await patientContext(deps, request, "manage"), list, request.params.professionalId),
    );
  }
}
