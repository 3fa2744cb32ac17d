import type { TestCertificate } from "@opendsp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAssertionSignature } from "./assertion-signature.verifier.js";
import { descendantsNamed } from "./dom-elements.js";
import { readHeaderDocument } from "./security-header.reader.js";
import { createXuaVerifier, verifyXuaAssertion, type VerifyXuaAssertionOptions, type XuaVerifier } from "./verify-xua-assertion.js";
import { AUDIENCE, CLAIMS, NOW, envelopeWith, idOf, mintFor, resign, signatureOf, withoutSignature, identityProvider } from "./xua-envelope.testing.js";
import { DSIG_ALGORITHM, XUA_NS } from "./xua-names.js";
import { XuaError, type XuaErrorCode } from "./xua-error.js";
import { X509Certificate } from "node:crypto";

/**
 * XML signature wrapping (XSW) and its relatives: the signature stays valid while the claims a naive reader takes
 * come from somewhere else (Somorovsky et al., "On Breaking SAML", USENIX Security 2012; the comment truncation of
 * CVE-2017-11427 and CVE-2018-0489). Every one must be refused, or read only from what was signed.
 */

let idp: TestCertificate;
let options: VerifyXuaAssertionOptions;
let signed: string;
/**
 * A verifier that has already accepted `signed` in a plain envelope: every variant below is also checked against
 * its cache of verified assertions (a variant that keeps the signed assertion's bytes must not be let through by it).
 */
let warm: XuaVerifier;

beforeAll(() => {
  idp = identityProvider("Identity provider");
  options = { trustedCertificates: [idp.certPem], audiences: [AUDIENCE], now: NOW };
  signed = mintFor(idp);
  warm = createXuaVerifier(options);
  warm.verify(envelopeWith(signed), NOW);
  warm.verify(envelopeWith(signed, '<x:Extensions xmlns:x="urn:x"/>'), NOW);
});

function codeOf(verify: () => unknown): XuaErrorCode | "accepted" {
  try {
    verify();
  } catch (err) {
    if (err instanceof XuaError) return err.code;
    throw err;
  }
  return "accepted";
}

/** The refusal's code, the same from a new verifier and from the warm one. */
function refusal(input: string): XuaErrorCode {
  const cold = codeOf(() => verifyXuaAssertion(input, options));
  if (cold === "accepted") throw new Error("expected the assertion to be refused");
  expect(codeOf(() => warm.verify(input, NOW))).toBe(cold);
  return cold;
}

/** The subject read, the same by a new verifier and by the warm one. */
function acceptedSubject(input: string): string {
  const subjectId = verifyXuaAssertion(input, options).subjectId;
  expect(warm.verify(input, NOW).subjectId).toBe(subjectId);
  return subjectId;
}

/** An unsigned assertion that claims another user and patient, under its own ID or under the signed one's. */
function evil(id: string, inner = ""): string {
  return withoutSignature(signed)
    .replace(/ ID="[^"]+"/, ` ID="${id}"`)
    .replace(CLAIMS.subjectId, "dr.evil@hopital.example")
    .replace(CLAIMS.patientId, "666^^^&1.2.250.1.213.1.4.8&ISO")
    .replace("</saml2:Issuer>", `</saml2:Issuer>${inner}`);
}

describe("signature wrapping", () => {
  it("refuses a second, unsigned assertion before or after the signed one", () => {
    expect(refusal(envelopeWith(evil("_evil") + signed))).toBe("XUA_WRAPPED");
    expect(refusal(envelopeWith(signed + evil("_evil")))).toBe("XUA_WRAPPED");
    // Under the signed assertion's own ID too.
    expect(refusal(envelopeWith(evil(idOf(signed)) + signed))).toBe("XUA_WRAPPED");
  });

  it("refuses the signed assertion moved into a wrapper while an evil one takes its place", () => {
    const signature = signatureOf(signed);
    // XSW in ds:Object: the evil assertion carries the signature, whose Object holds the original assertion.
    const inObject = signature.replace("</ds:Signature>", `<ds:Object>${signed}</ds:Object></ds:Signature>`);
    expect(refusal(envelopeWith(evil("_evil", inObject)))).toBe("XUA_WRAPPED");
    // The original moved into an extension block of the header, the evil one in wsse:Security.
    expect(refusal(envelopeWith(evil("_evil", signature), `<x:Extensions xmlns:x="urn:x">${signed}</x:Extensions>`))).toBe("XUA_WRAPPED");
    expect(refusal(envelopeWith(`<x:Extensions xmlns:x="urn:x">${signed}</x:Extensions>${evil(idOf(signed), signature)}`))).toBe("XUA_WRAPPED");
  });

  it("refuses, below the assertion count, a signature whose Reference points to another element", () => {
    // The verifier's first line counts assertions; this checks the signature's own rule with that line skipped.
    const xml = envelopeWith(evil("_evil", signatureOf(signed)), `<x:Extensions xmlns:x="urn:x">${signed}</x:Extensions>`);
    const header = readHeaderDocument(xml);
    const [evilAssertion] = descendantsNamed(header.document, XUA_NS.saml2, "Assertion");
    if (!evilAssertion) throw new Error("no assertion");
    expect(evilAssertion.getAttribute("ID")).toBe("_evil");
    const key = new X509Certificate(idp.certPem).publicKey;
    expect(() => verifyAssertionSignature(header.xml, header.document, evilAssertion, [key])).toThrow(expect.objectContaining({ code: "XUA_WRAPPED" }));
  });

  it("never reads the body: an assertion there neither counts nor is read", () => {
    const xml = envelopeWith(signed).replace("<q:AdhocQueryRequest", `${evil("_evil")}<q:AdhocQueryRequest`);
    expect(xml.indexOf("_evil")).toBeGreaterThan(xml.indexOf("<soapenv:Body>"));
    expect(acceptedSubject(xml)).toBe(CLAIMS.subjectId);
  });

  it("refuses the signed assertion, bytes unchanged, in a security block hidden in another header block", () => {
    const hidden = `<x:Wrapper xmlns:x="urn:x"><wsse:Security xmlns:wsse="${XUA_NS.wsse}">${signed}</wsse:Security></x:Wrapper>`;
    expect(refusal(envelopeWith("", hidden))).toBe("XUA_MISSING");
    expect(refusal(envelopeWith(evil("_evil"), `<x:Extensions xmlns:x="urn:x">${signed}</x:Extensions>`))).toBe("XUA_WRAPPED");
    expect(refusal(envelopeWith(signed, `<x:Extensions xmlns:x="urn:x">${evil("_evil")}</x:Extensions>`))).toBe("XUA_WRAPPED");
  });

  it("refuses an ID that appears twice, even on an element that is not an assertion", () => {
    const id = idOf(signed);
    expect(refusal(envelopeWith(signed, `<x:Decoy xmlns:x="urn:x" ID="${id}"/>`))).toBe("XUA_WRAPPED");
    expect(refusal(envelopeWith(signed, `<x:Decoy xmlns:x="urn:x" xmlns:u="urn:u" u:Id="${id}"/>`))).toBe("XUA_WRAPPED");
  });

  it("refuses a Reference with an empty URI (the whole document), and one to another ID", () => {
    expect(refusal(envelopeWith(resign(signed, idp, { emptyReferenceUri: true })))).toBe("XUA_WRAPPED");
    const elsewhere = signed.replace(`URI="#${idOf(signed)}"`, 'URI="#_other"');
    expect(refusal(envelopeWith(elsewhere))).toBe("XUA_WRAPPED");
  });

  it("reads a NameID cut by a comment whole: what was signed, not the text before the comment", () => {
    const subjectId = "dr.martin@hopital.example.evil.test";
    const assertion = mintFor(idp, { subjectId });
    const injected = assertion.replace(subjectId, "dr.martin@hopital.example<!-- cut here -->.evil.test");
    expect(injected).not.toBe(assertion);
    // Exclusive c14n without comments drops the comment: the signature still holds, and the NameID is the signed one.
    expect(acceptedSubject(envelopeWith(injected))).toBe(subjectId);
  });

  it("refuses a signature that is not the assertion's own child, or a second one", () => {
    const signature = signatureOf(signed);
    const moved = withoutSignature(signed).replace("<saml2:Subject>", `<saml2:Advice>${signature}</saml2:Advice><saml2:Subject>`);
    expect(refusal(envelopeWith(moved))).toBe("XUA_WRAPPED");
    expect(refusal(envelopeWith(signed.replace("</saml2:Issuer>", `</saml2:Issuer>${signature}`)))).toBe("XUA_WRAPPED");
  });
});

describe("algorithms", () => {
  it("refuses RSA-SHA1 signatures and SHA-1 digests", () => {
    expect(refusal(envelopeWith(resign(signed, idp, { signatureAlgorithm: DSIG_ALGORITHM.rsaSha1 })))).toBe("XUA_WEAK_ALGORITHM");
    expect(refusal(envelopeWith(resign(signed, idp, { digestAlgorithm: DSIG_ALGORITHM.sha1 })))).toBe("XUA_WEAK_ALGORITHM");
  });

  it("accepts RSA-SHA512 with a SHA-512 digest", () => {
    const strong = resign(signed, idp, { signatureAlgorithm: DSIG_ALGORITHM.rsaSha512, digestAlgorithm: DSIG_ALGORITHM.sha512 });
    expect(acceptedSubject(envelopeWith(strong))).toBe(CLAIMS.subjectId);
  });

  it("refuses inclusive or commented canonicalization and foreign transforms", () => {
    const inclusive = signed.replace(
      `<ds:CanonicalizationMethod Algorithm="${DSIG_ALGORITHM.excC14n}"/>`,
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"/>',
    );
    expect(inclusive).not.toBe(signed);
    expect(refusal(envelopeWith(inclusive))).toBe("XUA_WEAK_ALGORITHM");
    const xslt = signed.replace(
      `<ds:Transform Algorithm="${DSIG_ALGORITHM.excC14n}"/>`,
      '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>',
    );
    expect(xslt).not.toBe(signed);
    expect(refusal(envelopeWith(xslt))).toBe("XUA_WEAK_ALGORITHM");
  });
});
