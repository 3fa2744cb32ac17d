import { ACTOR_HEADER, ActorHeaderError, parseActorHeader, type Actor } from "@opendsp/platform";
import type { FastifyRequest } from "fastify";
import Type from "typebox";
import { AuditError } from "../domain/audit-error.js";

/** The header every reading route declares, for its schema and the OpenAPI document. */
export const ActorHeaders = Type.Object({
  [ACTOR_HEADER]: Type.Optional(Type.String({ description: "base64url of the acting party's JSON, set by the gateway" })),
});

/** The acting party of a request, from the X-OpenDSP-Actor header the gateway set; refusals carry audit's codes. */
export function actorOf(request: FastifyRequest): Actor {
  try {
    return parseActorHeader(request.headers[ACTOR_HEADER]);
  } catch (err) {
    if (!(err instanceof ActorHeaderError)) throw err;
    throw new AuditError(err.code === "ACTOR_HEADER_MISSING" ? "AUDIT_ACTOR_MISSING" : "AUDIT_ACTOR_INVALID", err.message, { cause: err });
  }
}
