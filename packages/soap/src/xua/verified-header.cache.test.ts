import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { VerifiedHeaderCache, headerRestIsInert, locateAssertion } from "./verified-header.cache.js";
import { createXuaVerifier, type XuaVerifier } from "./verify-xua-assertion.js";
import { AUDIENCE, CLAIMS, LIFETIME_SECONDS, NOW, envelopeWith, idOf, identityProvider, mintFor } from "./xua-envelope.testing.js";
import type { XuaIdentity } from "./xua-identity.js";
import { XUA_NS } from "./xua-names.js";

let idp: TestCertificate;
let signed: string;

beforeAll(() => {
  idp = identityProvider("Identity provider");
  signed = mintFor(idp);
});

const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

function codeOf(verifier: XuaVerifier, input: string, now: Date): string {
  try {
    verifier.verify(input, now);
  } catch (err) {
    return (err as { code: string }).code;
  }
  return "accepted";
}

function keyOf(xml: string): string {
  const located = locateAssertion(Buffer.from(xml));
  if (located === undefined) throw new Error("no assertion located");
  return located.key;
}

describe("locateAssertion", () => {
  it("keys the assertion's exact bytes in their context, whatever the other header blocks hold", () => {
    const plain = envelopeWith(signed);
    expect(keyOf(plain)).toBe(keyOf(plain.replace("urn:uuid:1", "urn:uuid:2")));
    expect(keyOf(plain)).toBe(keyOf(envelopeWith(signed, '<x:Other xmlns:x="urn:x">text</x:Other>')));
    // A timestamp beside the assertion (WSS 1.1 §10) changes with every request; the assertion does not.
    expect(keyOf(plain)).toBe(keyOf(envelopeWith(`<wsu:Timestamp xmlns:wsu="urn:wsu"><wsu:Created>x</wsu:Created></wsu:Timestamp>${signed}`)));
  });

  it("gives another key for any change to the assertion's bytes or to its ancestors' start tags", () => {
    const plain = envelopeWith(signed);
    const keys = new Set([
      keyOf(plain),
      keyOf(envelopeWith(signed.replace("<saml2:Issuer", "<saml2:Issuer "))),
      keyOf(envelopeWith(signed.replace(CLAIMS.subjectId, CLAIMS.subjectId.toUpperCase()))),
      keyOf(plain.replace("<soapenv:Header>", '<soapenv:Header xmlns:saml2="urn:other">')),
      keyOf(plain.replace(`<wsse:Security xmlns:wsse="${XUA_NS.wsse}">`, `<wsse:Security xmlns:wsse="${XUA_NS.wsse}" xmlns:xs="urn:other">`)),
      keyOf(plain.replace("<soapenv:Envelope ", '<soapenv:Envelope xmlns:ds="urn:other" ')),
    ]);
    expect(keys.size).toBe(6);
  });

  it("locates nothing unless the header holds exactly one assertion, a child of a wsse:Security header block", () => {
    const locate = (xml: string): unknown => locateAssertion(Buffer.from(xml));
    expect(locate(envelopeWith(signed + signed))).toBeUndefined();
    expect(locate(envelopeWith(signed, `<x:E xmlns:x="urn:x">${signed}</x:E>`))).toBeUndefined();
    expect(locate(envelopeWith(`<x:W xmlns:x="urn:x">${signed}</x:W>`))).toBeUndefined();
    expect(locate(envelopeWith("", `<x:W xmlns:x="urn:x"><wsse:Security xmlns:wsse="${XUA_NS.wsse}">${signed}</wsse:Security></x:W>`))).toBeUndefined();
    expect(locate(envelopeWith(signed, `<saml2:EncryptedAssertion xmlns:saml2="${XUA_NS.saml2}"/>`))).toBeUndefined();
    expect(locate(envelopeWith(""))).toBeUndefined();
    expect(locate("<not-soap/>")).toBeUndefined();
  });

  it("finds the rest of the header inert only without another assertion, a repeated ID or malformed XML", () => {
    const rest = (extra: string): string => locateAssertion(Buffer.from(envelopeWith(signed, extra)))?.headerWithoutAssertion ?? "";
    const id = idOf(signed);
    expect(headerRestIsInert(rest(""), id)).toBe(true);
    expect(rest("")).not.toContain("saml2:Assertion");
    expect(headerRestIsInert(rest(`<x:Decoy xmlns:x="urn:x" ID="${id}"/>`), id)).toBe(false);
    expect(headerRestIsInert(rest(`<x:Decoy xmlns:x="urn:x" xmlns:u="urn:u" u:id="${id}"/>`), id)).toBe(false);
    expect(headerRestIsInert(rest(`<x:Decoy xmlns:x="urn:x" ID="other"/>`), id)).toBe(true);
    expect(headerRestIsInert(rest('<x:Bad xmlns:x="urn:x">a & b</x:Bad>'), id)).toBe(false);
    expect(headerRestIsInert(rest('<x:Bad xmlns:x="urn:x">&undefined;</x:Bad>'), id)).toBe(false);
  });
});

describe("VerifiedHeaderCache", () => {
  const identity = { assertionId: "_a", issuer: "i", notOnOrAfter: new Date(0), subjectId: "s", roles: [] } satisfies XuaIdentity;

  it("answers only within [from, until), and forgets an entry past its end", () => {
    const cache = new VerifiedHeaderCache(10);
    cache.remember("k", identity, 100, 200);
    expect(cache.get("k", 99)).toBeUndefined();
    expect(cache.get("k", 100)).toBe(identity);
    expect(cache.get("k", 199)).toBe(identity);
    expect(cache.get("k", 200)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.remember("empty", identity, 200, 200);
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries, the oldest going first", () => {
    const cache = new VerifiedHeaderCache(2);
    cache.remember("a", identity, 0, 10);
    cache.remember("b", identity, 0, 10);
    cache.remember("a", identity, 0, 10);
    cache.remember("c", identity, 0, 10);
    expect(cache.size).toBe(2);
    expect(cache.get("b", 1)).toBeUndefined();
    expect(cache.get("a", 1)).toBe(identity);
    expect(cache.get("c", 1)).toBe(identity);
    cache.forget("a");
    expect(cache.get("a", 1)).toBeUndefined();
  });
});

describe("a verifier with assertions it has verified before", () => {
  it("answers the same assertion again in a request with other addressing headers and a timestamp beside it", () => {
    const verifier = createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [AUDIENCE] });
    expect(verifier.verify(envelopeWith(signed), NOW).subjectId).toBe(CLAIMS.subjectId);
    const next = envelopeWith(`<wsu:Timestamp xmlns:wsu="urn:wsu"/>${signed}`).replace("urn:uuid:1", "urn:uuid:2");
    expect(verifier.verify(next, at(10))).toMatchObject({ subjectId: CLAIMS.subjectId, patientId: CLAIMS.patientId, assertionId: idOf(signed) });
  });

  it("checks the validity window on every request: refused once expired or before NotBefore, as a new verifier does", () => {
    const verifier = createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [AUDIENCE], clockSkewSeconds: 30 });
    const xml = envelopeWith(signed);
    expect(codeOf(verifier, xml, NOW)).toBe("accepted");
    // Inside the skew past NotOnOrAfter: still accepted (by the full verification, the cached entry has ended).
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS + 20))).toBe("accepted");
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS + 31))).toBe("XUA_EXPIRED");
    expect(codeOf(verifier, xml, at(-40))).toBe("XUA_NOT_YET_VALID");
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS - 1))).toBe("accepted");
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS + 3600))).toBe("XUA_EXPIRED");
  });

  it("never outlives the identity provider's certificate", () => {
    const shortLived = generateTestCertificate({ commonName: "Short-lived identity provider", notBefore: at(-3600), notAfter: at(100) });
    const verifier = createXuaVerifier({ trustedCertificates: [shortLived.certPem], audiences: [AUDIENCE] });
    const xml = envelopeWith(mintFor(shortLived));
    expect(codeOf(verifier, xml, NOW)).toBe("accepted");
    expect(codeOf(verifier, xml, at(101))).toBe("XUA_UNTRUSTED_SIGNER");
  });

  it("keeps no refusal as a success, and the refusals of a changed copy or a wrapped one stand", () => {
    const verifier = createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [AUDIENCE] });
    const xml = envelopeWith(signed);
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS + 3600))).toBe("XUA_EXPIRED");
    expect(codeOf(verifier, xml, at(LIFETIME_SECONDS + 3600))).toBe("XUA_EXPIRED");
    expect(codeOf(verifier, xml, NOW)).toBe("accepted");
    expect(codeOf(verifier, envelopeWith(signed.replace(CLAIMS.subjectId, "someone-else")), NOW)).toBe("XUA_BAD_SIGNATURE");
    expect(codeOf(verifier, envelopeWith(signed, `<x:Decoy xmlns:x="urn:x" ID="${idOf(signed)}"/>`), NOW)).toBe("XUA_WRAPPED");
    expect(codeOf(verifier, envelopeWith(signed, '<x:Bad xmlns:x="urn:x">a & b</x:Bad>'), NOW)).toBe("XUA_MALFORMED");
    expect(codeOf(verifier, xml, NOW)).toBe("accepted");
  });

  it("belongs to its trust anchors and audiences: a verifier configured otherwise decides afresh", () => {
    const first = createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: [AUDIENCE] });
    const xml = envelopeWith(signed);
    expect(codeOf(first, xml, NOW)).toBe("accepted");
    const otherAnchors = createXuaVerifier({ trustedCertificates: [identityProvider("Another identity provider").certPem], audiences: [AUDIENCE] });
    expect(codeOf(otherAnchors, xml, NOW)).toBe("XUA_UNTRUSTED_SIGNER");
    const otherAudience = createXuaVerifier({ trustedCertificates: [idp.certPem], audiences: ["urn:another-gateway"] });
    expect(codeOf(otherAudience, xml, NOW)).toBe("XUA_WRONG_AUDIENCE");
  });
});
