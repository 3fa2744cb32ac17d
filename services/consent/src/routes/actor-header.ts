import type { FastifyRequest } from "fastify";
import Value from "typebox/value";
import { ActorSchema, type Actor } from "../domain/actor.js";
import { ConsentError } from "../domain/consent-error.js";

/** Set by the gateway only, after it authenticated the caller; the service is reachable from the gateway alone. */
export const ACTOR_HEADER = "x-opendsp-actor";

/** Largest header accepted: an actor is a few hundred bytes; anything larger is not one. */
const MAX_HEADER_LENGTH = 8192;

/** The acting party of a request: base64url (RFC 4648 section 5, unpadded) of the actor's JSON, checked strictly. */
export function actorOf(request: FastifyRequest): Actor {
  const header = request.headers[ACTOR_HEADER];
  if (header === undefined || header === "") throw new ConsentError("CONSENT_ACTOR_MISSING", "the X-OpenDSP-Actor header is missing");
  if (typeof header !== "string" || header.length > MAX_HEADER_LENGTH || !/^[A-Za-z0-9_-]+$/.test(header)) {
    throw new ConsentError("CONSENT_ACTOR_INVALID", "X-OpenDSP-Actor must be one base64url value");
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch (cause) {
    throw new ConsentError("CONSENT_ACTOR_INVALID", "X-OpenDSP-Actor is not base64url of JSON", { cause });
  }
  if (!Value.Check(ActorSchema, value)) {
    const first = [...Value.Errors(ActorSchema, value)][0];
    throw new ConsentError("CONSENT_ACTOR_INVALID", `X-OpenDSP-Actor is not an actor: ${first ? `${first.instancePath || "(root)"} ${first.message}` : "invalid"}`);
  }
  return value;
}

/** The header value for an actor, as the gateway writes it. */
export function encodeActorHeader(actor: Actor): string {
  return Buffer.from(JSON.stringify(actor), "utf8").toString("base64url");
}
