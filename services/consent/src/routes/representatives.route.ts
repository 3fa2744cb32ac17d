import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { removeRepresentativeOf, setRepresentative } from "../domain/patient-rules.service.js";
import { listRepresentatives } from "../storage/patient-rules.repository.js";
import { patientContext, rulesVersionOf } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, ChangeReply, PatientParams, PersonParams } from "./route-schemas.js";

const Right = Type.Union([Type.Literal("read"), Type.Literal("manage")], { description: "read: see the record; manage: change its access rules" });
const Relation = Type.Union([Type.Literal("legal-representative"), Type.Literal("companion")]);

const RepresentativesReply = Type.Object({
  rulesVersion: Type.Integer(),
  items: Type.Array(Type.Object({ personId: Type.String(), rights: Type.Array(Right), relation: Type.Union([Relation, Type.Null()]) })),
});
const RepresentativeBody = Type.Object({ rights: Type.Array(Right, { maxItems: 2, uniqueItems: true }), relation: Type.Optional(Relation) }, { additionalProperties: false });
type RepresentativeBody = Static<typeof RepresentativeBody>;

/** Legal representatives and companions: persons who act for the patient within the rights the patient gave. */
export function registerRepresentativeRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  app.get<{ Params: PatientParams }>(
    "/api/consent/patients/:patientId/representatives",
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: RepresentativesReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      return { rulesVersion: await rulesVersionOf(deps, ctx.patientId), items: await listRepresentatives(deps.db, ctx.patientId) };
    },
  );
  app.put<{ Params: PersonParams; Body: RepresentativeBody }>(
    "/api/consent/patients/:patientId/representatives/:personId",
    { schema: { params: PersonParams, headers: ActorHeaders, body: RepresentativeBody, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => setRepresentative(await patientContext(deps, request, "manage"), request.params.personId, request.body.rights, request.body.relation ?? null),
  );
  app.delete<{ Params: PersonParams }>(
    "/api/consent/patients/:patientId/representatives/:personId",
    { schema: { params: PersonParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_NOT_FOUND") } } },
    async (request) => removeRepresentativeOf(await patientContext(deps, request, "manage"), request.params.personId),
  );
}
