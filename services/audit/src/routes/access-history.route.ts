import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { accessHistoryEntryOf } from "../domain/access-history.js";
import { AuditError } from "../domain/audit-error.js";
import { instantOf } from "../domain/instant.js";
import { searchAuditRecords } from "../domain/audit-search.service.js";
import { authorizeHistoryRead } from "../domain/authorize-audit-read.js";
import { auditorRolesOf } from "../config.js";
import { ActorHeaders, actorOf } from "./actor-header.js";
import { problemResponses } from "./problem.js";

const Transaction = Type.Union(["ITI-18", "ITI-41", "ITI-42", "ITI-43", "ITI-8", "ITI-40"].map((t) => Type.Literal(t)));
const Outcome = Type.Union(["success", "minor-failure", "serious-failure", "major-failure"].map((o) => Type.Literal(o)));
const DateTime = Type.String({ format: "date-time", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$" });

const Params = Type.Object({ patientId: Type.String({ minLength: 1, maxLength: 256, pattern: "^[^\\u0000-\\u001f]+$", description: "CX patient id (id^^^&OID&ISO), URL-encoded" }) });

function historyQuery(settings: AuditSettings) {
  return Type.Object(
    {
      from: Type.Optional({ ...DateTime, description: "Accesses at or after this time" }),
      to: Type.Optional({ ...DateTime, description: "Accesses at or before this time" }),
      transaction: Type.Optional(Transaction),
      outcome: Type.Optional(Outcome),
      emergency: Type.Optional(Type.Boolean({ description: "Only break-the-glass accesses (true) or only the others (false)" })),
      limit: Type.Integer({ minimum: 1, maximum: settings.AUDIT_HISTORY_MAX_LIMIT, default: settings.AUDIT_HISTORY_DEFAULT_LIMIT }),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "nextCursor of the previous page" })),
      offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: "Entries to skip (instead of a cursor)" })),
    },
    { additionalProperties: false },
  );
}

const Entry = Type.Object({
  eventId: Type.String(),
  occurredAt: Type.String(),
  transaction: Type.String(),
  outcome: Type.String(),
  who: Type.Union([
    Type.Object({
      kind: Type.String(),
      id: Type.String(),
      name: Type.Optional(Type.String()),
      organizationId: Type.Optional(Type.String()),
      roles: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
  grant: Type.Union([Type.Object({ basis: Type.String(), emergency: Type.Boolean() }), Type.Null()]),
  queryId: Type.Optional(Type.String()),
  submissionSetUniqueId: Type.Optional(Type.String()),
  documents: Type.Array(Type.Object({ uniqueId: Type.String(), repositoryUniqueId: Type.Optional(Type.String()), homeCommunityId: Type.Optional(Type.String()) })),
  failureCode: Type.Optional(Type.String()),
});

const Page = Type.Object({ total: Type.Integer(), items: Type.Array(Entry), nextCursor: Type.Optional(Type.String()) });

/** GET /api/audit/patients/{patientId}/accesses: who accessed the patient's record, when, what and under which right. */
export function registerAccessHistoryRoute(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  const Query = historyQuery(settings);
  const auditorRoles = auditorRolesOf(settings);
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    "/api/audit/patients/:patientId/accesses",
    {
      schema: {
        params: Params,
        querystring: Query,
        headers: ActorHeaders,
        response: { 200: Page, ...problemResponses("AUDIT_ACTOR_MISSING", "AUDIT_FORBIDDEN", "AUDIT_INVALID_CURSOR") },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { patientId } = request.params;
      authorizeHistoryRead(actor, patientId, auditorRoles);
      const q = request.query;
      if (q.cursor !== undefined && q.offset !== undefined) throw new AuditError("AUDIT_INVALID_REQUEST", "give a cursor or an offset, not both");
      const page = await searchAuditRecords(
        deps.db,
        {
          patientId,
          from: q.from === undefined ? undefined : instantOf(q.from, "from"),
          to: q.to === undefined ? undefined : instantOf(q.to, "to"),
          transactions: q.transaction === undefined ? undefined : [q.transaction],
          outcomes: q.outcome === undefined ? undefined : [q.outcome],
          emergency: q.emergency,
        },
        { limit: q.limit, cursor: q.cursor, offset: q.offset },
      );
      request.log.info({ readerKind: actor.kind, entries: page.records.length, total: page.total }, "access history read");
      return { total: page.total, items: page.records.map(accessHistoryEntryOf), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
    },
  );
}
