import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { listChanges } from "../storage/consent-change.repository.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, DateTime, PatientParams } from "./route-schemas.js";

const ChangesQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
type ChangesQuery = Static<typeof ChangesQuery>;

const ChangesReply = Type.Object({
  items: Type.Array(
    Type.Object({
      rulesVersion: Type.Integer({ description: "The version this change produced" }),
      changedAt: DateTime,
      actor: Type.Object({ kind: Type.String(), id: Type.String() }),
      change: Type.String({ description: "e.g. trust-circle.added, record.closed, presence-grant.started" }),
      detail: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  nextOffset: Type.Union([Type.Integer(), Type.Null()], { description: "offset of the next page; null on the last page" }),
});

/** Every change to the patient's rules (who, what, when), newest first, paged. */
export function registerChangesRoute(app: FastifyInstance, deps: ConsentDeps): void {
  app.get<{ Params: PatientParams; Querystring: ChangesQuery }>(
    "/api/consent/patients/:patientId/changes",
    { schema: { params: PatientParams, querystring: ChangesQuery, headers: ActorHeaders, response: { 200: ChangesReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const { limit, offset } = request.query;
      const page = await listChanges(deps.db, ctx.patientId, { limit, offset });
      return {
        items: page.items.map((c) => ({ rulesVersion: c.rulesVersion, changedAt: c.changedAt.toISOString(), actor: c.actor, change: c.change, detail: c.detail })),
        nextOffset: page.more ? offset + limit : null,
      };
    },
  );
}
