import { XUA_NS, XuaError, type XuaErrorCode, type XuaIdentity, type XuaVerifier } from "@opendsp/soap";
import type { EdgeDecision, EdgeRequest, EdgeStep } from "./edge-step.js";
import { systemOf } from "./mutual-tls.step.js";

/** The edge attribute under which the authenticated user is passed to later steps. */
export const USER_ATTRIBUTE = "user";

/** The user an earlier "xua" step authenticated, if any. */
export function userOf(attributes: ReadonlyMap<string, unknown>): XuaIdentity | undefined {
  return attributes.get(USER_ATTRIBUTE) as XuaIdentity | undefined;
}

/**
 * WS-Security 1.1 SOAP Message Security §12: the fault subcodes (in the wsse namespace) a receiver answers when it
 * cannot accept the security header. An assertion that is not there, not trusted or not (or no longer) meant for
 * us fails authentication; one whose signature does not hold fails the check; one we cannot read is an invalid
 * token; a weak algorithm is unsupported.
 */
const SUBCODE: Record<Exclude<XuaErrorCode, "XUA_CONFIG">, string> = {
  XUA_MISSING: "FailedAuthentication",
  XUA_UNTRUSTED_SIGNER: "FailedAuthentication",
  XUA_EXPIRED: "FailedAuthentication",
  XUA_NOT_YET_VALID: "FailedAuthentication",
  XUA_WRONG_AUDIENCE: "FailedAuthentication",
  XUA_UNSIGNED: "FailedCheck",
  XUA_BAD_SIGNATURE: "FailedCheck",
  XUA_WRAPPED: "FailedCheck",
  XUA_MALFORMED: "InvalidSecurityToken",
  XUA_MISSING_SUBJECT: "InvalidSecurityToken",
  XUA_MISSING_ISSUER: "InvalidSecurityToken",
  XUA_WEAK_ALGORITHM: "UnsupportedAlgorithm",
};

/**
 * Edge step "xua": the user behind the request, from the SAML 2.0 assertion in its wsse:Security header (XUA, ITI
 * TF-2b 3.40; the X-Service Provider checks the assertion against identity providers it trusts and refuses the
 * request otherwise, 3.40.4.2.2). A valid assertion passes with the attribute "user". An invalid one is refused even
 * from a registered system: it claims a user it cannot prove. No assertion is refused unless mutual TLS already
 * authenticated a registered system (a laboratory publishing on its own behalf).
 */
export function createXuaStep(verifier: XuaVerifier): EdgeStep {
  return {
    name: "xua",
    check(request: EdgeRequest): Promise<EdgeDecision> {
      return Promise.resolve(decide(verifier, request));
    },
  };
}

function decide(verifier: XuaVerifier, request: EdgeRequest): EdgeDecision {
  try {
    request.attributes.set(USER_ATTRIBUTE, verifier.verify(request.headerBytes));
    return { kind: "pass" };
  } catch (err) {
    if (!(err instanceof XuaError) || err.code === "XUA_CONFIG") throw err;
    if (err.code === "XUA_MISSING" && systemOf(request.attributes) !== undefined) return { kind: "pass" };
    const reason = err.code === "XUA_MISSING" ? "An XUA assertion (SAML 2.0, in the wsse:Security header) is required" : `The XUA assertion is refused: ${err.message}`;
    return {
      kind: "refuse",
      fault: { code: "Sender", subcodes: [{ ns: XUA_NS.wsse, local: SUBCODE[err.code] }], reason },
      // The audit record's code (ITI-40, ITI TF-2b 3.40.4.2: a refused assertion is an authentication failure to audit).
      code: `GW_${err.code}`,
      reason: `xua ${err.code}`,
    };
  }
}
