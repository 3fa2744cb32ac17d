import Type, { type Static } from "typebox";
import Value from "typebox/value";
import { ActorHeaderError } from "./actor.header.js";

/**
 * Under which right the gateway let a request through, passed to the registry and the repository in the
 * X-OpenDSP-Grant header so that the audit record each of them writes names it (the patient's access history
 * shows "who, when, under which right"). The bases are the consent service's decision bases.
 */
export const GrantSchema = Type.Object(
  {
    basis: Type.Union([
      Type.Literal("patient"),
      Type.Literal("representative"),
      Type.Literal("referring-doctor"),
      Type.Literal("trust-circle"),
      Type.Literal("presence-grant"),
      Type.Literal("emergency"),
      Type.Literal("system"),
    ]),
    /** Break-the-glass access: always flagged to the patient. */
    emergency: Type.Boolean(),
  },
  { additionalProperties: false },
);

export type Grant = Static<typeof GrantSchema>;
export type GrantBasis = Grant["basis"];

/** Set by the gateway only (it drops any such header a client sends), like X-OpenDSP-Actor. */
export const GRANT_HEADER = "x-opendsp-grant";

const MAX_HEADER_LENGTH = 512;

/** The grant of a request, or undefined when the header is absent (a request that did not pass the gateway's consent step). */
export function parseGrantHeader(header: string | readonly string[] | undefined): Grant | undefined {
  if (header === undefined || header === "") return undefined;
  if (typeof header !== "string" || header.length > MAX_HEADER_LENGTH || !/^[A-Za-z0-9_-]+$/.test(header)) {
    throw new ActorHeaderError("ACTOR_HEADER_INVALID", "X-OpenDSP-Grant must be one base64url value");
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch (cause) {
    throw new ActorHeaderError("ACTOR_HEADER_INVALID", "X-OpenDSP-Grant is not base64url of JSON", { cause });
  }
  if (!Value.Check(GrantSchema, value)) throw new ActorHeaderError("ACTOR_HEADER_INVALID", "X-OpenDSP-Grant is not a grant");
  return value;
}

/** The header value for a grant, as the gateway writes it. */
export function encodeGrantHeader(grant: Grant): string {
  return Buffer.from(JSON.stringify({ basis: grant.basis, emergency: grant.emergency }), "utf8").toString("base64url");
}
