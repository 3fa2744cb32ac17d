import { AUDIT_DELIVERY } from "@opendsp/atna";
import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { auditorRolesOf } from "../config.js";
import { authorizeAuditorRead } from "../domain/authorize-audit-read.js";
import { listIntakeRefusals } from "../storage/intake-refusal.repository.js";
import { ActorHeaders, actorOf } from "./actor-header.js";
import { problemResponses } from "./problem.js";

const Query = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }, { additionalProperties: false });

const DeadLetter = Type.Object({
  failedJobs: Type.Array(
    Type.Object({ eventId: Type.String(), attemptsMade: Type.Integer(), reason: Type.String(), failedAt: Type.String({ format: "date-time" }) }),
    { description: "Deliveries through the queue that failed for good (invalid record, or every attempt failed)" },
  ),
  refusedRecords: Type.Array(
    Type.Object({
      eventId: Type.Union([Type.String(), Type.Null()]),
      reason: Type.String(),
      firstRefusedAt: Type.String({ format: "date-time" }),
      lastRefusedAt: Type.String({ format: "date-time" }),
      timesRefused: Type.Integer(),
    }),
    { description: "Records the HTTP intake refused as invalid" },
  ),
});

/** GET /api/audit/admin/dead-letter (auditors): what could not be stored, by event id and reason, never the record. */
export function registerDeadLetterRoute(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  const auditorRoles = auditorRolesOf(settings);
  app.get<{ Querystring: Static<typeof Query> }>(
    "/api/audit/admin/dead-letter",
    { schema: { querystring: Query, headers: ActorHeaders, response: { 200: DeadLetter, ...problemResponses("AUDIT_ACTOR_MISSING", "AUDIT_FORBIDDEN") } } },
    async (request) => {
      authorizeAuditorRead(actorOf(request), auditorRoles);
      const { limit } = request.query;
      const [failed, refused] = await Promise.all([deps.jobQueue.listFailed({ name: AUDIT_DELIVERY.jobName, limit }), listIntakeRefusals(deps.db, limit)]);
      return {
        failedJobs: failed.map((j) => ({ eventId: j.jobId, attemptsMade: j.attemptsMade, reason: j.reason, failedAt: j.failedAt.toISOString() })),
        refusedRecords: refused.map((r) => ({ ...r, firstRefusedAt: r.firstRefusedAt.toISOString(), lastRefusedAt: r.lastRefusedAt.toISOString() })),
      };
    },
  );
}
