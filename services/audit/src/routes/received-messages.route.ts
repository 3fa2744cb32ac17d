import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { auditorRolesOf } from "../config.js";
import { AuditError } from "../domain/audit-error.js";
import { authorizeAuditorRead } from "../domain/authorize-audit-read.js";
import { listReceivedAuditMessages } from "../syslog/received-message.query.js";
import { ActorHeaders, actorOf } from "./actor-header.js";
import { problemResponses } from "./problem.js";

/** The cursor is the id of the last message of the page (a bigserial). */
const ID = /^[1-9]\d{0,18}$/;

function receivedQuery(settings: AuditSettings) {
  return Type.Object(
    {
      malformed: Type.Optional(Type.Boolean({ description: "Only the messages that could not be read (true), or only those that could (false)" })),
      limit: Type.Integer({ minimum: 1, maximum: settings.AUDIT_HISTORY_MAX_LIMIT, default: settings.AUDIT_HISTORY_DEFAULT_LIMIT }),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: "nextCursor of the previous page" })),
    },
    { additionalProperties: false },
  );
}

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const ReceivedMessage = Type.Object({
  id: Type.String(),
  receivedAt: Type.String({ format: "date-time" }),
  transport: Type.Union([Type.Literal("tls"), Type.Literal("udp")]),
  peerAddress: Type.String(),
  peerCertificateSubject: Nullable(Type.String()),
  malformed: Type.Boolean(),
  errorCode: Nullable(Type.String({ description: "Why the message could not be read (README: received messages)" })),
  raw: Type.Object({
    encoding: Type.Union([Type.Literal("utf8"), Type.Literal("base64")]),
    text: Type.String({ description: "The message as received, cut to AUDIT_SYSLOG_MAX_MESSAGE_BYTES" }),
    bytes: Type.Integer({ description: "Size received" }),
    truncated: Type.Boolean(),
  }),
  eventIdCode: Nullable(Type.String()),
  eventActionCode: Nullable(Type.String()),
  eventOutcomeIndicator: Nullable(Type.String()),
  eventDateTime: Nullable(Type.String({ format: "date-time" })),
  sourceId: Nullable(Type.String()),
  patientIds: Type.Array(Type.String()),
  participantUserIds: Type.Array(Type.String()),
});

const Page = Type.Object({ items: Type.Array(ReceivedMessage), nextCursor: Type.Optional(Type.String()) });

/** GET /api/audit/admin/received-messages (auditors): the ITI-20 messages the syslog receivers stored, newest first. */
export function registerReceivedMessagesRoute(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  const Query = receivedQuery(settings);
  const auditorRoles = auditorRolesOf(settings);
  app.get<{ Querystring: Static<typeof Query> }>(
    "/api/audit/admin/received-messages",
    { schema: { querystring: Query, headers: ActorHeaders, response: { 200: Page, ...problemResponses("AUDIT_ACTOR_MISSING", "AUDIT_FORBIDDEN", "AUDIT_INVALID_CURSOR") } } },
    async (request) => {
      const actor = actorOf(request);
      authorizeAuditorRead(actor, auditorRoles);
      const { malformed, limit, cursor } = request.query;
      if (cursor !== undefined && !ID.test(cursor)) throw new AuditError("AUDIT_INVALID_CURSOR", "cursor is not one this service issued");
      const rows = await listReceivedAuditMessages(deps.db, { malformed, beforeId: cursor }, limit);
      const page = rows.slice(0, limit);
      request.log.info({ readerKind: actor.kind, messages: page.length }, "received ITI-20 messages read");
      return {
        items: page.map((r) => ({
          id: r.id,
          receivedAt: r.received_at.toISOString(),
          transport: r.transport,
          peerAddress: r.peer_address,
          peerCertificateSubject: r.peer_certificate_subject,
          malformed: r.malformed,
          errorCode: r.error_code,
          raw: { encoding: r.raw_encoding, text: r.raw_text, bytes: r.raw_bytes, truncated: r.raw_truncated },
          eventIdCode: r.event_id_code,
          eventActionCode: r.event_action_code,
          eventOutcomeIndicator: r.event_outcome_indicator,
          eventDateTime: r.event_datetime?.toISOString() ?? null,
          sourceId: r.source_id,
          patientIds: r.patient_ids,
          participantUserIds: r.participant_user_ids,
        })),
        ...(rows.length > limit && page.length > 0 ? { nextCursor: page[page.length - 1]?.id } : {}),
      };
    },
  );
}
