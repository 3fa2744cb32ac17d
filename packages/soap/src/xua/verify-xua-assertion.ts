import { X509Certificate, type KeyObject } from "node:crypto";
import { readAssertionClaims } from "./assertion-claims.reader.js";
import { assertionFingerprint } from "./assertion-fingerprint.js";
import { checkAssertionSignatureShape, verifyAssertionSignature } from "./assertion-signature.verifier.js";
import { descendantsNamed } from "./dom-elements.js";
import { readHeaderDocument } from "./security-header.reader.js";
import { VerifiedHeaderCache, headerRestIsInert, locateAssertion } from "./verified-header.cache.js";
import type { XuaIdentity } from "./xua-identity.js";
import { XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";
import { withXuaAssertion } from "./xua-security.header.js";

export interface XuaVerifierOptions {
  /** PEM certificates of the identity providers whose signatures are accepted; nothing else is trusted. */
  readonly trustedCertificates: readonly string[];
  /** Accepted saml2:Audience values (this gateway's identifiers). */
  readonly audiences: readonly string[];
  /** Clock skew allowed on NotBefore / NotOnOrAfter, in seconds (default 60). */
  readonly clockSkewSeconds?: number;
}

export interface VerifyXuaAssertionOptions extends XuaVerifierOptions {
  /** The time to check validity at (default: now). */
  readonly now?: Date;
}

export interface XuaVerifier {
  /**
   * Verifies the XUA assertion in the wsse:Security header of a SOAP 1.2 envelope, given whole or as a prefix holding
   * its complete env:Header (a peek's `headerBytes`). Throws an XuaError with a stable code when it is refused.
   */
  verify(input: Buffer | string, now?: Date): XuaIdentity;
  /**
   * Verifies a signed assertion given on its own, as a JSON API receives it in `Authorization: SAML <base64url>`
   * (IUA's SAML token option, ITI TF-2 3.72.4.1.2): the same checks, as if it came in a wsse:Security header.
   */
  verifyAssertion(assertionXml: string, now?: Date): XuaIdentity;
}

export const DEFAULT_XUA_CLOCK_SKEW_SECONDS = 60;

/** Verified assertions remembered per verifier (in each of its two caches); the oldest go first. */
const MAX_VERIFIED_ASSERTIONS = 10_000;

interface TrustedSigner {
  readonly key: KeyObject;
  readonly validFrom: number;
  readonly validTo: number;
}

/** Checks the configuration once (certificates parsed, audiences present); throws XuaError XUA_CONFIG if unusable. */
export function createXuaVerifier(options: XuaVerifierOptions): XuaVerifier {
  if (options.trustedCertificates.length === 0) throw new XuaError("XUA_CONFIG", "No trusted identity-provider certificate is configured");
  if (options.audiences.length === 0 || options.audiences.some((a) => a.trim() === "")) {
    throw new XuaError("XUA_CONFIG", "The accepted audiences must be a non-empty list of non-empty values");
  }
  const clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_XUA_CLOCK_SKEW_SECONDS;
  if (!Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0) throw new XuaError("XUA_CONFIG", "clockSkewSeconds must be a number of seconds, 0 or more");
  const trusted: TrustedSigner[] = options.trustedCertificates.map((pem, index) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (err) {
      throw new XuaError("XUA_CONFIG", `Trusted certificate #${index + 1} is not a PEM X.509 certificate`, { cause: err });
    }
    const validFrom = Date.parse(certificate.validFrom);
    const validTo = Date.parse(certificate.validTo);
    if (Number.isNaN(validFrom) || Number.isNaN(validTo)) throw new XuaError("XUA_CONFIG", `Trusted certificate #${index + 1} has an unreadable validity period`);
    return { key: certificate.publicKey, validFrom, validTo };
  });
  const audiences = new Set(options.audiences);
  // Verdicts of the XML-DSig check by assertion fingerprint: a client sends one assertion with every request for its
  // lifetime, and the check (a parse, two canonicalisations, a digest, an RSA verification) costs milliseconds. The
  // claims are still read, and the time window, audience and wrapping rules still checked, on every request.
  const verified = new Map<string, { readonly signedXml: string; readonly untilMs: number }>();
  // Identities by the exact bytes of the assertion in its context (verified-header.cache.ts): a request that carries
  // an assertion already verified, in a header whose other blocks cannot change the verdict, is answered without
  // parsing the assertion; its validity window is still checked on every request.
  const verifiedHeaders = new VerifiedHeaderCache(MAX_VERIFIED_ASSERTIONS);

  const verifyFully = (input: Buffer | string, now: Date): { identity: XuaIdentity; fromMs: number; untilMs: number } => {
    const header = readHeaderDocument(input);
    if (header.securityHeaders.length === 0) throw new XuaError("XUA_MISSING", "The request has no wsse:Security header");
    // ITI TF-2b 3.40.4.1: one assertion identifies the user. Any other saml2:Assertion anywhere in the header (a
    // second one in Security, one hidden in another block or inside the signature) is a wrapping attempt.
    const assertions = descendantsNamed(header.document, XUA_NS.saml2, "Assertion");
    if (assertions.length > 1) throw new XuaError("XUA_WRAPPED", "The SOAP header holds more than one SAML assertion");
    const assertion = assertions[0];
    if (assertion === undefined && header.securityHeaders.some((security) => descendantsNamed(security, XUA_NS.saml2, "EncryptedAssertion").length > 0)) {
      // SAML 2.0 Core §2.3.4: decrypting needs a key of ours that the IdP encrypts to; XUA (ITI TF-2b 3.40) does not require it.
      throw new XuaError("XUA_MISSING", "Encrypted assertions are not accepted: send the signed assertion in clear over TLS");
    }
    if (assertion === undefined || !header.securityHeaders.some((security) => security === assertion.parentNode)) {
      throw new XuaError("XUA_MISSING", "The wsse:Security header holds no SAML 2.0 assertion");
    }
    // RFC 5280 §4.1.2.5: an identity provider's certificate vouches for its signatures only within its validity period.
    const trustedNow = trusted.filter((t) => t.validFrom <= now.getTime() && now.getTime() <= t.validTo);
    const fingerprint = assertionFingerprint(assertion);
    let signedXml = verified.get(fingerprint);
    if (signedXml === undefined || signedXml.untilMs < now.getTime()) {
      const xml = verifyAssertionSignature(header.xml, header.document, assertion, trustedNow.map((t) => t.key));
      // Kept no longer than the trusted certificates vouch for it.
      signedXml = { signedXml: xml, untilMs: Math.min(...trustedNow.map((t) => t.validTo)) };
      if (verified.size >= MAX_VERIFIED_ASSERTIONS) verified.delete(verified.keys().next().value as string);
      verified.set(fingerprint, signedXml);
    } else {
      // The shape rules (one enveloped signature, one Reference to this ID, accepted algorithms, no repeated ID in the
      // header) concern this message, not the assertion alone: checked again.
      checkAssertionSignatureShape(header.document, assertion);
    }
    const { identity, validity } = readAssertionClaims(signedXml.signedXml, { assertionId: assertion.getAttribute("ID") ?? "", audiences, now, clockSkewSeconds });
    return {
      identity,
      fromMs: Math.max(validity.notBeforeMs - clockSkewSeconds * 1000, ...trustedNow.map((t) => t.validFrom)),
      untilMs: Math.min(validity.notOnOrAfterMs, signedXml.untilMs),
    };
  };

  const verifier: XuaVerifier = {
    verifyAssertion(assertionXml, now = new Date()) {
      return verifier.verify(withXuaAssertion(BARE_ENVELOPE, assertionXml), now);
    },
    verify(input, now = new Date()) {
      const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
      const located = locateAssertion(bytes);
      if (located !== undefined) {
        const known = verifiedHeaders.get(located.key, now.getTime());
        if (known !== undefined && headerRestIsInert(located.headerWithoutAssertion, known.assertionId)) return known;
      }
      try {
        const { identity, fromMs, untilMs } = verifyFully(bytes, now);
        if (located !== undefined) verifiedHeaders.remember(located.key, identity, fromMs, untilMs);
        return identity;
      } catch (err) {
        if (located !== undefined) verifiedHeaders.forget(located.key);
        throw err;
      }
    },
  };
  return verifier;
}

/** An empty SOAP 1.2 envelope that a bare assertion is put into, so one code path checks both forms. */
const BARE_ENVELOPE = '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>';

/** One-off form of createXuaVerifier(options).verify(input, options.now). */
export function verifyXuaAssertion(input: Buffer | string, options: VerifyXuaAssertionOptions): XuaIdentity {
  return createXuaVerifier(options).verify(input, options.now);
}
