import type { FastifyInstance } from "fastify";
import Type from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { listEmergencyAccesses, listRunningPresenceGrants } from "../storage/presence.repository.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, DateTime, PatientParams } from "./route-schemas.js";

/** How many emergency accesses the patient is shown, newest first. */
const EMERGENCY_ACCESS_LIMIT = 100;

const AccessGrantsReply = Type.Object({
  presenceGrants: Type.Array(Type.Object({ professionalId: Type.String(), organizationId: Type.Union([Type.String(), Type.Null()]), startsAt: DateTime, endsAt: DateTime })),
  emergencyAccesses: Type.Array(Type.Object({ professionalId: Type.String(), organizationId: Type.Union([Type.String(), Type.Null()]), action: Type.String(), accessedAt: DateTime })),
});

/** Who has access right now through a presence code, and who broke the glass: what the patient must be told. */
export function registerAccessGrantsRoute(app: FastifyInstance, deps: ConsentDeps): void {
  app.get<{ Params: PatientParams }>(
    "/api/consent/patients/:patientId/access-grants",
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: AccessGrantsReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const [grants, emergencies] = await Promise.all([listRunningPresenceGrants(deps.db, ctx.patientId, ctx.now), listEmergencyAccesses(deps.db, ctx.patientId, EMERGENCY_ACCESS_LIMIT)]);
      return {
        presenceGrants: grants.map((g) => ({ ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })),
        emergencyAccesses: emergencies.map((e) => ({ ...e, accessedAt: e.accessedAt.toISOString() })),
      };
    },
  );
}
