import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { ActorSchema } from "../domain/actor.js";
import { decide } from "../domain/decision.service.js";
import { problemResponses } from "./problem.js";
import { DateTime, PATIENT_ID_PATTERN } from "./route-schemas.js";

const DecisionBody = Type.Object(
  {
    actor: ActorSchema,
    patientId: Type.String({ maxLength: 256, pattern: PATIENT_ID_PATTERN }),
    action: Type.Union([Type.Literal("read"), Type.Literal("publish")]),
  },
  { additionalProperties: false },
);
type DecisionBody = Static<typeof DecisionBody>;

const DecisionReply = Type.Object({
  decision: Type.Union([Type.Literal("permit"), Type.Literal("deny")]),
  basis: Type.Optional(Type.String({ description: "patient, representative, referring-doctor, trust-circle, presence-grant, emergency or system" })),
  reason: Type.Optional(Type.String({ description: "record-closed, blacklisted, emergency-refused, no-relationship, no-read-right, no-manage-right or system-cannot-read" })),
  emergency: Type.Boolean({ description: "A break-the-glass permit; the patient is told" }),
  maskedDocumentUniqueIds: Type.Array(Type.String(), { description: "Documents to hide from the actor, except those the actor authored" }),
  authorExemption: Type.Boolean({ description: "The registry must still show the actor masked documents the actor authored" }),
  rulesVersion: Type.Integer(),
  validUntil: Type.Optional(DateTime),
});

/**
 * The decision API for the gateway: may this actor read or publish for this patient? Asked on behalf of an actor
 * the gateway authenticated, so no X-OpenDSP-Actor header; the decision logic is domain/decide-access.ts.
 */
export function registerDecisionRoute(app: FastifyInstance, deps: ConsentDeps): void {
  app.post<{ Body: DecisionBody }>("/api/consent/decisions", { schema: { body: DecisionBody, response: { 200: DecisionReply, ...problemResponses() } } }, async (request) => {
    const decision = await decide(deps, request.body);
    const { validUntil, ...rest } = decision;
    return { ...rest, ...(validUntil ? { validUntil: validUntil.toISOString() } : {}) };
  });
}
