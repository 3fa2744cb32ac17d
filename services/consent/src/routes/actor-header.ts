import { ACTOR_HEADER, ActorHeaderError, parseActorHeader, type Actor } from "@opendsp/platform";
import type { FastifyRequest } from "fastify";
import { ConsentError } from "../domain/consent-error.js";

/** The acting party of a request, from the X-OpenDSP-Actor header the gateway set; refusals carry consent's codes. */
export function actorOf(request: FastifyRequest): Actor {
  try {
    return parseActorHeader(request.headers[ACTOR_HEADER]);
  } catch (err) {
    if (!(err instanceof ActorHeaderError)) throw err;
    throw new ConsentError(err.code === "ACTOR_HEADER_MISSING" ? "CONSENT_ACTOR_MISSING" : "CONSENT_ACTOR_INVALID", err.message, { cause: err });
  }
}
