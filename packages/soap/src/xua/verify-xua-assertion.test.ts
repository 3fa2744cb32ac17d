import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { buildMtomMessage } from "../mtom/write-mtom.js";
import { peekSoapMessage } from "../peek/peek-soap-message.js";
import { chunked } from "../test-support.js";
import { createXuaVerifier, verifyXuaAssertion, type VerifyXuaAssertionOptions } from "./verify-xua-assertion.js";
import { AUDIENCE, CLAIMS, LIFETIME_SECONDS, NOW, envelopeWith, idOf, mintFor, resign, withoutSignature, identityProvider } from "./xua-envelope.testing.js";
import { mintXuaAssertion } from "./mint-xua-assertion.js";
import { isEmergencyAccess } from "./xua-identity.js";
import type { XuaErrorCode } from "./xua-error.js";

let idp: TestCertificate;
let rogue: TestCertificate;
let options: VerifyXuaAssertionOptions;

beforeAll(() => {
  idp = identityProvider("Identity provider");
  rogue = identityProvider("Identity provider");
  options = { trustedCertificates: [idp.certPem], audiences: [AUDIENCE], now: NOW };
});

function refusal(input: string | Buffer, opts: VerifyXuaAssertionOptions = options): XuaErrorCode {
  try {
    verifyXuaAssertion(input, opts);
  } catch (err) {
    if (err instanceof Error && "code" in err && err.name === "XuaError") return err.code as XuaErrorCode;
    throw err;
  }
  throw new Error("expected the assertion to be refused");
}

describe("verifyXuaAssertion, a good assertion", () => {
  it("reads every claim from the signed assertion", () => {
    const assertion = mintFor(idp);
    const identity = verifyXuaAssertion(envelopeWith(assertion), options);
    expect(identity).toEqual({
      assertionId: idOf(assertion),
      issuer: CLAIMS.issuer,
      notOnOrAfter: new Date(NOW.getTime() + LIFETIME_SECONDS * 1000),
      subjectId: CLAIMS.subjectId,
      subjectName: CLAIMS.subjectName,
      roles: [CLAIMS.roles[0], { code: "nurse" }],
      organization: CLAIMS.organization,
      organizationId: CLAIMS.organizationId,
      purposeOfUse: CLAIMS.purposeOfUse,
      patientId: CLAIMS.patientId,
    });
    expect(isEmergencyAccess(identity)).toBe(true);
  });

  it("accepts the header bytes of a peek (the envelope cut after env:Header), as text or bytes", async () => {
    const message = Buffer.from(envelopeWith(mintFor(idp)));
    const peeked = await peekSoapMessage(chunked(message, [100, 2000]), "application/soap+xml; charset=UTF-8");
    if (!peeked.ok) throw peeked.error;
    expect(peeked.headerBytes.toString()).not.toContain("Body");
    expect(verifyXuaAssertion(peeked.headerBytes, options).subjectId).toBe(CLAIMS.subjectId);
    expect(verifyXuaAssertion(message, options).subjectId).toBe(CLAIMS.subjectId);
    // A prefix cut inside the body is enough too; one cut inside the header is not.
    const text = message.toString();
    expect(verifyXuaAssertion(text.slice(0, text.indexOf("<q:Adhoc") + 5), options).patientId).toBe(CLAIMS.patientId);
    expect(refusal(text.slice(0, text.indexOf("</wsse:Security>")))).toBe("XUA_MALFORMED");
  });

  it("reads the assertion from the header bytes of an MTOM request's root part", async () => {
    const message = buildMtomMessage({
      root: envelopeWith(mintFor(idp)),
      action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
      attachments: [{ contentId: "doc-1@test", contentType: "application/pdf", body: Buffer.alloc(100_000, 0x25) }],
    });
    const peeked = await peekSoapMessage(message.body, message.contentType);
    if (!peeked.ok) throw peeked.error;
    expect(peeked.format).toBe("mtom");
    expect(verifyXuaAssertion(peeked.headerBytes, options).patientId).toBe(CLAIMS.patientId);
  });

  it("tries every trusted certificate, and keeps only optional claims that were asserted", () => {
    const other = identityProvider("Another identity provider");
    const minimal = mintXuaAssertion({ issuer: CLAIMS.issuer, signingKeyPem: idp.keyPem, subjectId: CLAIMS.subjectId, roles: [], audience: AUDIENCE, lifetimeSeconds: 60, now: NOW });
    expect(minimal).not.toContain("KeyInfo");
    const identity = createXuaVerifier({ trustedCertificates: [other.certPem, idp.certPem], audiences: ["urn:other", AUDIENCE] }).verify(envelopeWith(minimal), NOW);
    expect(identity).toEqual({ assertionId: idOf(minimal), issuer: CLAIMS.issuer, notOnOrAfter: identity.notOnOrAfter, subjectId: CLAIMS.subjectId, roles: [] });
    expect(isEmergencyAccess(identity)).toBe(false);
  });

  it("allows the clock skew on both ends of the validity period", () => {
    const assertion = envelopeWith(mintFor(idp));
    const end = NOW.getTime() + LIFETIME_SECONDS * 1000;
    expect(() => verifyXuaAssertion(assertion, { ...options, now: new Date(end + 59_000) })).not.toThrow();
    expect(() => verifyXuaAssertion(assertion, { ...options, now: new Date(NOW.getTime() - 50_000) })).not.toThrow();
    expect(() => verifyXuaAssertion(assertion, { ...options, now: new Date(end + 5_000), clockSkewSeconds: 10 })).not.toThrow();
  });
});

describe("verifyXuaAssertion, refusals", () => {
  it("refuses an unsigned assertion", () => {
    expect(refusal(envelopeWith(withoutSignature(mintFor(idp))))).toBe("XUA_UNSIGNED");
  });

  it("refuses an assertion signed by an unknown key, even with that key's certificate in KeyInfo", () => {
    const assertion = mintFor(rogue);
    // The rogue certificate travels in KeyInfo, with the same subject name as the trusted one.
    const rogueBase64 = rogue.certPem.replace(/-----[^-]+-----|\s/g, "");
    expect(assertion).toContain(`<ds:X509Certificate>${rogueBase64}</ds:X509Certificate>`);
    expect(refusal(envelopeWith(assertion))).toBe("XUA_UNTRUSTED_SIGNER");
  });

  it("refuses an assertion signed with a trusted certificate outside its validity period", () => {
    const expired = generateTestCertificate({ commonName: "Identity provider", notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2026-02-01T00:00:00Z") });
    const assertion = envelopeWith(mintFor(expired));
    const trustingIt = { ...options, trustedCertificates: [expired.certPem] };
    expect(refusal(assertion, trustingIt)).toBe("XUA_UNTRUSTED_SIGNER");
    // The same assertion and certificate at a time the certificate was valid.
    const earlier = new Date("2026-01-15T10:00:00Z");
    expect(verifyXuaAssertion(envelopeWith(mintFor(expired, { now: earlier })), { ...trustingIt, now: earlier }).subjectId).toBe(CLAIMS.subjectId);
  });

  it("refuses an assertion changed after it was signed", () => {
    const assertion = mintFor(idp);
    expect(refusal(envelopeWith(assertion.replace(CLAIMS.subjectId, "dr.evil@hopital.example")))).toBe("XUA_BAD_SIGNATURE");
    expect(refusal(envelopeWith(assertion.replace("123456789^^^", "987654321^^^")))).toBe("XUA_BAD_SIGNATURE");
    expect(refusal(envelopeWith(assertion.replace('code="10"', 'code="11"')))).toBe("XUA_BAD_SIGNATURE");
    // A changed SignatureValue is a signature no trusted key made.
    expect(refusal(envelopeWith(assertion.replace(/<ds:SignatureValue>(.)/, (_, c: string) => `<ds:SignatureValue>${c === "A" ? "B" : "A"}`)))).toBe("XUA_UNTRUSTED_SIGNER");
  });

  it("refuses an expired assertion and one not yet valid", () => {
    const assertion = envelopeWith(mintFor(idp));
    const end = NOW.getTime() + LIFETIME_SECONDS * 1000;
    expect(refusal(assertion, { ...options, now: new Date(end + 61_000) })).toBe("XUA_EXPIRED");
    expect(refusal(assertion, { ...options, now: new Date(end), clockSkewSeconds: 0 })).toBe("XUA_EXPIRED");
    expect(refusal(assertion, { ...options, now: new Date(NOW.getTime() - 120_000) })).toBe("XUA_NOT_YET_VALID");
  });

  it("applies the bearer's SubjectConfirmationData window within the Conditions", () => {
    const shortBearer = resign(
      mintFor(idp).replace(/<saml2:SubjectConfirmation ([^>]*)\/>/, `<saml2:SubjectConfirmation $1><saml2:SubjectConfirmationData NotOnOrAfter="${new Date(NOW.getTime() + 60_000).toISOString()}"/></saml2:SubjectConfirmation>`),
      idp,
    );
    expect(shortBearer).toContain("SubjectConfirmationData");
    expect(verifyXuaAssertion(envelopeWith(shortBearer), { ...options, now: new Date(NOW.getTime() + 30_000) }).subjectId).toBe(CLAIMS.subjectId);
    expect(refusal(envelopeWith(shortBearer), { ...options, now: new Date(NOW.getTime() + 200_000) })).toBe("XUA_EXPIRED");
  });

  it("refuses an assertion meant for another audience, or for none", () => {
    expect(refusal(envelopeWith(mintFor(idp, { audience: "urn:someone-else" })))).toBe("XUA_WRONG_AUDIENCE");
    const noRestriction = mintFor(idp).replace(/<saml2:AudienceRestriction>.*<\/saml2:AudienceRestriction>/, "");
    expect(refusal(envelopeWith(resign(noRestriction, idp)))).toBe("XUA_WRONG_AUDIENCE");
  });

  it("refuses an assertion without Subject NameID, Issuer, NotOnOrAfter, or with two values of a single-valued attribute", () => {
    const assertion = mintFor(idp);
    expect(refusal(envelopeWith(resign(assertion.replace(/<saml2:NameID[^>]*>[^<]*<\/saml2:NameID>/, ""), idp)))).toBe("XUA_MISSING_SUBJECT");
    expect(refusal(envelopeWith(resign(assertion.replace(/<saml2:Issuer>[^<]*</, "<saml2:Issuer> <"), idp)))).toBe("XUA_MISSING_ISSUER");
    expect(refusal(envelopeWith(resign(assertion.replace(/ NotOnOrAfter="[^"]*"/, ""), idp)))).toBe("XUA_MALFORMED");
    expect(refusal(envelopeWith(resign(assertion.replace(/ NotOnOrAfter="[^"]*"/, ' NotOnOrAfter="tomorrow"'), idp)))).toBe("XUA_MALFORMED");
    const twoPatients = assertion.replace(/(<saml2:AttributeValue xsi:type="xs:string">123456789[^<]*<\/saml2:AttributeValue>)/, "$1$1");
    expect(refusal(envelopeWith(resign(twoPatients, idp)))).toBe("XUA_MALFORMED");
  });

  it("refuses a request without wsse:Security or without an assertion in it, and a header that is not XML", () => {
    const assertion = mintFor(idp);
    expect(refusal(envelopeWith("").replace(/<wsse:Security[^>]*><\/wsse:Security>/, ""))).toBe("XUA_MISSING");
    expect(refusal(envelopeWith(""))).toBe("XUA_MISSING");
    expect(refusal(envelopeWith(`<saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"/>`))).toBe("XUA_MISSING");
    // An assertion outside wsse:Security is not the request's identity.
    expect(refusal(envelopeWith("", `<x:Other xmlns:x="urn:x">${assertion}</x:Other>`))).toBe("XUA_MISSING");
    expect(refusal(envelopeWith(assertion).replace("<saml2:Subject>", "<saml2:Subject attr=>"))).toBe("XUA_MALFORMED");
    expect(refusal("not xml")).toBe("XUA_MALFORMED");
    expect(refusal(`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/></e:Envelope>`)).toBe("XUA_MALFORMED");
  });

  it("refuses an unusable configuration once, at creation", () => {
    expect(() => createXuaVerifier({ trustedCertificates: [], audiences: [AUDIENCE] })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
    expect(() => createXuaVerifier({ trustedCertificates: ["not a certificate"], audiences: [AUDIENCE] })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
    expect(() => createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [] })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
    expect(() => createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [AUDIENCE], clockSkewSeconds: -1 })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
  });

  it("says where, not what, when the header is not XML", () => {
    const assertion = mintFor(idp);
    const undefinedEntity = (): unknown => verifyXuaAssertion(envelopeWith(assertion.replace(CLAIMS.subjectId, "&nir1850775123456;")), options);
    expect(undefinedEntity).toThrow(expect.objectContaining({ code: "XUA_MALFORMED" }));
    expect(undefinedEntity).toThrow(/line \d+, column \d+/);
    expect(undefinedEntity).not.toThrow(/1850775123456/);
    // A bare "&" (which xmldom would keep as text) is refused before parsing.
    const bare = (): unknown => verifyXuaAssertion(envelopeWith(assertion.replace(CLAIMS.subjectId, "&nir-1850775123456")), options);
    expect(bare).toThrow(expect.objectContaining({ code: "XUA_MALFORMED" }));
    expect(bare).not.toThrow(/1850775123456/);
  });

  it("says nothing of the claims in its error messages", () => {
    const assertion = mintFor(idp, { audience: "urn:someone-else" });
    try {
      verifyXuaAssertion(envelopeWith(assertion.replace(CLAIMS.subjectId, "x")), options);
    } catch (err) {
      expect(String(err)).not.toContain(CLAIMS.patientId);
      expect(String(err)).not.toContain(CLAIMS.subjectId);
      return;
    }
    throw new Error("expected a refusal");
  });
});

describe("XuaVerifier.verifyAssertion, an assertion on its own (a JSON API's Authorization header)", () => {
  it("reads the claims of a trusted one and refuses an untrusted or tampered one, as in a wsse:Security header", () => {
    const verifier = createXuaVerifier(options);
    const assertion = mintFor(idp);
    expect(verifier.verifyAssertion(assertion, NOW).subjectId).toBe(CLAIMS.subjectId);
    const refused = (xml: string): string => {
      try {
        verifier.verifyAssertion(xml, NOW);
      } catch (err) {
        return (err as { code: string }).code;
      }
      return "accepted";
    };
    expect(refused(mintFor(rogue))).toBe("XUA_UNTRUSTED_SIGNER");
    expect(refused(assertion.replace(CLAIMS.subjectId, "someone-else"))).toBe("XUA_BAD_SIGNATURE");
    expect(refused(withoutSignature(assertion))).toBe("XUA_UNSIGNED");
    expect(refused("not xml at all")).not.toBe("accepted");
  });
});

describe("a verifier that has seen an assertion before", () => {
  it("still refuses a changed copy, a wrapped one, and the same assertion once it has expired", () => {
    const verifier = createXuaVerifier(options);
    const assertion = mintFor(idp);
    expect(verifier.verify(envelopeWith(assertion), NOW).subjectId).toBe(CLAIMS.subjectId);
    expect(verifier.verify(envelopeWith(assertion), NOW).subjectId).toBe(CLAIMS.subjectId);
    const code = (input: string, at: Date): string => {
      try {
        verifier.verify(input, at);
      } catch (err) {
        return (err as { code: string }).code;
      }
      return "accepted";
    };
    expect(code(envelopeWith(assertion.replace(CLAIMS.subjectId, "someone-else")), NOW)).toBe("XUA_BAD_SIGNATURE");
    expect(code(envelopeWith(assertion + assertion), NOW)).toBe("XUA_WRAPPED");
    expect(code(envelopeWith(assertion), new Date(NOW.getTime() + (LIFETIME_SECONDS + 120) * 1000))).toBe("XUA_EXPIRED");
  });
});
