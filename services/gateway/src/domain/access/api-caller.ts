import type { Actor } from "@opendsp/platform";
import { XuaError, type XuaVerifier } from "@opendsp/soap";
import { actorOfCaller, type ActorRoles } from "./actor-of-caller.js";

export type ApiCaller = { readonly kind: "anonymous" } | { readonly kind: "actor"; readonly actor: Actor } | { readonly kind: "refused"; readonly detail: string };

const SCHEME = /^(SAML|Bearer)\s+([A-Za-z0-9+/_-]+={0,2})\s*$/i;
/** A signed assertion is a few KB; the cap keeps a header from costing more than that to reject. */
const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * The party behind a JSON API call: a signed XUA assertion in `Authorization: SAML <base64url>` (IUA's SAML token
 * option, ITI TF-2 3.72.4.1.2; `Bearer` accepted too), checked by the same verifier as SOAP's wsse:Security. No
 * header: anonymous, which the consent API refuses for everything but its public parts.
 */
export function apiCallerOf(authorization: string | undefined, verifier: XuaVerifier | undefined, roles: ActorRoles): ApiCaller {
  if (authorization === undefined || authorization.trim() === "") return { kind: "anonymous" };
  if (verifier === undefined) return { kind: "refused", detail: "This gateway accepts no assertions: no identity provider is configured" };
  const match = authorization.length > MAX_TOKEN_CHARS ? null : SCHEME.exec(authorization);
  if (match === null) return { kind: "refused", detail: "The Authorization header must be `SAML <base64url of a signed SAML 2.0 assertion>`" };
  const xml = Buffer.from(match[2] ?? "", match[2]?.includes("+") || match[2]?.includes("/") ? "base64" : "base64url").toString("utf8");
  try {
    const actor = actorOfCaller(verifier.verifyAssertion(xml), undefined, roles);
    return actor === undefined ? { kind: "anonymous" } : { kind: "actor", actor };
  } catch (err) {
    if (!(err instanceof XuaError) || err.code === "XUA_CONFIG") throw err;
    return { kind: "refused", detail: `The assertion is refused: ${err.message}` };
  }
}

/** The patient whose rules a consent API write changes (/api/consent/patients/{patientId}/...), decoded. */
export function patientOfConsentWrite(method: string, path: string): string | undefined {
  if (method === "GET" || method === "HEAD") return undefined;
  const match = /^\/api\/consent\/patients\/([^/?#]+)/.exec(path);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1] ?? "");
  } catch {
    return undefined;
  }
}
