import { parseAuditRecord, toFhirAuditEvent } from "@opendsp/atna";
import type { FastifyInstance, FastifyRequest } from "fastify";
import Type, { type Static } from "typebox";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { auditorRolesOf } from "../config.js";
import { AuditError } from "../domain/audit-error.js";
import { searchAuditRecords } from "../domain/audit-search.service.js";
import { authorizeAuditorRead, authorizeHistoryRead } from "../domain/authorize-audit-read.js";
import { dateRangeOf } from "../domain/fhir-date-range.js";
import { ActorHeaders, actorOf } from "./actor-header.js";
import { FHIR_CONTENT_TYPE, OperationOutcome, installOperationOutcomeHandler } from "./operation-outcome.js";

const OUTCOME_CODES = { "0": "success", "4": "minor-failure", "8": "serious-failure", "12": "major-failure" } as const;
const TRANSACTIONS = new Set(["ITI-18", "ITI-41", "ITI-42", "ITI-43", "ITI-8", "ITI-40"]);
const Many = Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 8 })]);

function searchQuery(settings: AuditSettings) {
  return Type.Object(
    {
      patient: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: "^[^\\u0000-\\u001f]+$", description: "The patient's CX id; required unless the actor is an auditor" })),
      date: Type.Optional(Many),
      outcome: Type.Optional(Many),
      subtype: Type.Optional(Many),
      _count: Type.Integer({ minimum: 1, maximum: settings.AUDIT_HISTORY_MAX_LIMIT, default: settings.AUDIT_HISTORY_DEFAULT_LIMIT }),
      _cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Where the next page starts (from the next link)" })),
      _format: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("application/fhir+json")])),
    },
    { additionalProperties: false },
  );
}

const Bundle = Type.Object({
  resourceType: Type.Literal("Bundle"),
  type: Type.Literal("searchset"),
  total: Type.Integer(),
  link: Type.Array(Type.Object({ relation: Type.String(), url: Type.String() })),
  entry: Type.Array(Type.Object({ fullUrl: Type.String(), resource: Type.Object({}, { additionalProperties: true }), search: Type.Object({ mode: Type.Literal("match") }) })),
});

function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(","));
}

/** A token parameter's code, with or without its system (FHIR R4 3.1.1.4.5). */
function codeOf(token: string): string {
  const bar = token.lastIndexOf("|");
  return bar === -1 ? token : token.slice(bar + 1);
}

function selfUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url}`;
}

/**
 * GET /fhir/AuditEvent: the search of RESTful ATNA (ITI-81, ITI TF-2 3.81.4.1.2) over the audit store, answered as
 * a FHIR R4 searchset Bundle of AuditEvents. The same people read as in the access history; a search without a
 * patient is for auditors.
 */
export function registerFhirAuditEventRoute(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  const Query = searchQuery(settings);
  const auditorRoles = auditorRolesOf(settings);
  void app.register((scope, _options, done) => {
    installOperationOutcomeHandler(scope);
    scope.get<{ Querystring: Static<typeof Query> }>(
      "/fhir/AuditEvent",
      { schema: { querystring: Query, headers: ActorHeaders, response: { 200: Bundle, 400: OperationOutcome, 401: OperationOutcome, 403: OperationOutcome, 500: OperationOutcome } } },
      async (request, reply) => {
        const actor = actorOf(request);
        const q = request.query;
        if (q.patient === undefined) authorizeAuditorRead(actor, auditorRoles);
        else authorizeHistoryRead(actor, q.patient, auditorRoles);
        const outcomes = listOf(q.outcome).map((o) => {
          const outcome = OUTCOME_CODES[codeOf(o) as keyof typeof OUTCOME_CODES] as string | undefined;
          if (outcome === undefined) throw new AuditError("AUDIT_INVALID_REQUEST", "outcome must be 0, 4, 8 or 12");
          return outcome;
        });
        const transactions = listOf(q.subtype).map((s) => {
          const code = codeOf(s);
          if (!TRANSACTIONS.has(code)) throw new AuditError("AUDIT_INVALID_REQUEST", "subtype must be an IHE transaction this service audits (ITI-18, ITI-41, ITI-42, ITI-43, ITI-8, ITI-40)");
          return code;
        });
        const range = dateRangeOf(listOf(q.date));
        const page = await searchAuditRecords(
          deps.db,
          { patientId: q.patient, from: range.from, to: range.to, toExclusive: true, outcomes, transactions },
          { limit: q._count, cursor: q._cursor },
        );
        const self = selfUrl(request);
        const link = [{ relation: "self", url: self }];
        if (page.nextCursor !== undefined) {
          const next = new URL(self);
          next.searchParams.set("_cursor", page.nextCursor);
          link.push({ relation: "next", url: next.toString() });
        }
        request.log.info({ readerKind: actor.kind, entries: page.records.length, total: page.total }, "AuditEvent search");
        void reply.type(FHIR_CONTENT_TYPE);
        return {
          resourceType: "Bundle" as const,
          type: "searchset" as const,
          total: page.total,
          link,
          entry: page.records.map((stored) => {
            const resource = toFhirAuditEvent(parseAuditRecord(stored));
            return { fullUrl: `urn:uuid:${resource.id}`, resource, search: { mode: "match" as const } };
          }),
        };
      },
    );
    done();
  });
}
