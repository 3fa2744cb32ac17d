/**
 * Why an XUA assertion was refused. The code is stable (the gateway maps it to a SOAP Fault and an audit outcome);
 * the message says what was wrong for the sender's developers and never carries claim values (patient identifiers,
 * names), so it may be logged.
 */
export type XuaErrorCode =
  /** No wsse:Security header or no saml2:Assertion in it. */
  | "XUA_MISSING"
  /** Not well-formed, or a required part of the assertion is missing or invalid. */
  | "XUA_MALFORMED"
  /** The assertion has no enveloped ds:Signature. */
  | "XUA_UNSIGNED"
  /** A signature or digest algorithm, canonicalization or transform that is not accepted. */
  | "XUA_WEAK_ALGORITHM"
  /** No configured identity-provider certificate verifies the signature. */
  | "XUA_UNTRUSTED_SIGNER"
  /** The signature does not match the signed content (changed after signing). */
  | "XUA_BAD_SIGNATURE"
  /** The signature covers something else than the one assertion (signature wrapping), or IDs repeat. */
  | "XUA_WRAPPED"
  | "XUA_EXPIRED"
  | "XUA_NOT_YET_VALID"
  | "XUA_WRONG_AUDIENCE"
  | "XUA_MISSING_SUBJECT"
  | "XUA_MISSING_ISSUER"
  /** The verifier's own configuration is unusable (e.g. a trusted certificate that is not a certificate). */
  | "XUA_CONFIG";

export class XuaError extends Error {
  override readonly name = "XuaError";
  readonly code: XuaErrorCode;

  constructor(code: XuaErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
