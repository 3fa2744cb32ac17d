import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps, ConsentSettings } from "../consent-deps.js";
import { issuePresenceCode, startPresenceGrant } from "../domain/presence.service.js";
import { actorOf } from "./actor-header.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, DateTime, PatientParams } from "./route-schemas.js";

const IssuedCodeReply = Type.Object({
  code: Type.String({ description: "The one-off code, shown once: it is stored hashed and cannot be read again" }),
  expiresAt: DateTime,
  rulesVersion: Type.Integer(),
});

const GrantBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false });
type GrantBody = Static<typeof GrantBody>;

const GrantReply = Type.Object({ professionalId: Type.String(), startsAt: DateTime, endsAt: DateTime, rulesVersion: Type.Integer() });

/** The patient issues presence codes; a professional presents one to start a presence grant. */
export function registerPresenceRoutes(app: FastifyInstance, deps: ConsentDeps, settings: ConsentSettings): void {
  app.post<{ Params: PatientParams }>(
    "/api/consent/patients/:patientId/presence-codes",
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 201: IssuedCodeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_RECORD_CLOSED") } } },
    async (request, reply) => {
      const ctx = await patientContext(deps, request, "manage");
      const issued = await issuePresenceCode(deps, settings, ctx.patientId, ctx.actor);
      // The code is a credential for the record: no cache may keep it (RFC 9111 section 5.2.2.5).
      return reply.code(201).header("cache-control", "no-store").send({ code: issued.code, expiresAt: issued.expiresAt.toISOString(), rulesVersion: issued.rulesVersion });
    },
  );
  app.post<{ Params: PatientParams; Body: GrantBody }>(
    "/api/consent/patients/:patientId/presence-grants",
    {
      schema: {
        params: PatientParams,
        headers: ActorHeaders,
        body: GrantBody,
        response: { 201: GrantReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_BAD_PRESENCE_CODE", "CONSENT_RECORD_CLOSED", "CONSENT_LOCKED_OUT") },
      },
    },
    async (request, reply) => {
      const grant = await startPresenceGrant(deps, settings, request.params.patientId, actorOf(request), request.body.code);
      return reply.code(201).send({ professionalId: grant.professionalId, startsAt: grant.startsAt.toISOString(), endsAt: grant.endsAt.toISOString(), rulesVersion: grant.rulesVersion });
    },
  );
}
