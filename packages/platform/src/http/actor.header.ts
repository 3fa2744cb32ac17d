import Type, { type Static } from "typebox";
import Value from "typebox/value";
import { AppError } from "../errors/app-error.js";

/**
 * The party a request acts for, established by the gateway after authentication (mutual TLS for a system, an XUA
 * assertion for a person) and passed to the services in the X-OpenDSP-Actor header, or in the body of a consent
 * decision request. Strict: unknown fields are refused, so a misspelt field never silently drops a restriction.
 */
export const ActorSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal("patient"), Type.Literal("representative"), Type.Literal("professional"), Type.Literal("system")]),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 32 })),
    organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    purposeOfUse: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    patientId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export type Actor = Static<typeof ActorSchema>;

/** Set by the gateway only (it drops any such header a client sends); the services are reachable from the gateway alone. */
export const ACTOR_HEADER = "x-opendsp-actor";

/** Largest header accepted: an actor is a few hundred bytes; anything larger is not one. */
const MAX_HEADER_LENGTH = 8192;

export class ActorHeaderError extends AppError {
  override readonly name = "ActorHeaderError";
  override readonly code: "ACTOR_HEADER_MISSING" | "ACTOR_HEADER_INVALID";
  constructor(code: "ACTOR_HEADER_MISSING" | "ACTOR_HEADER_INVALID", message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
}

/** The actor of a request: base64url (RFC 4648 section 5, unpadded) of the actor's JSON, checked strictly. */
export function parseActorHeader(header: string | readonly string[] | undefined): Actor {
  if (header === undefined || header === "") throw new ActorHeaderError("ACTOR_HEADER_MISSING", "the X-OpenDSP-Actor header is missing");
  if (typeof header !== "string" || header.length > MAX_HEADER_LENGTH || !/^[A-Za-z0-9_-]+$/.test(header)) {
    throw new ActorHeaderError("ACTOR_HEADER_INVALID", "X-OpenDSP-Actor must be one base64url value");
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch (cause) {
    throw new ActorHeaderError("ACTOR_HEADER_INVALID", "X-OpenDSP-Actor is not base64url of JSON", { cause });
  }
  if (!Value.Check(ActorSchema, value)) {
    const first = [...Value.Errors(ActorSchema, value)][0];
    throw new ActorHeaderError("ACTOR_HEADER_INVALID", `X-OpenDSP-Actor is not an actor: ${first ? `${first.instancePath || "(root)"} ${first.message}` : "invalid"}`);
  }
  return value;
}

/** The header value for an actor, as the gateway writes it. */
export function encodeActorHeader(actor: Actor): string {
  return Buffer.from(JSON.stringify(actor), "utf8").toString("base64url");
}
