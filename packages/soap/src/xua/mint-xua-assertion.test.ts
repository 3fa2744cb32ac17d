import { element } from "@opendsp/ebxml";
import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSoapRequest, serializeSoapEnvelope } from "../envelope/build-envelope.js";
import { mintXuaAssertion } from "./mint-xua-assertion.js";
import { verifyXuaAssertion, type VerifyXuaAssertionOptions } from "./verify-xua-assertion.js";
import { AUDIENCE, CLAIMS, NOW, mintFor, identityProvider } from "./xua-envelope.testing.js";
import { withXuaAssertion, xuaSecurityHeader } from "./xua-security.header.js";

let idp: TestCertificate;
let options: VerifyXuaAssertionOptions;

beforeAll(() => {
  idp = identityProvider("Development identity provider");
  options = { trustedCertificates: [idp.certPem], audiences: [AUDIENCE], now: NOW };
});

const ENV = "http://www.w3.org/2003/05/soap-envelope";

describe("mintXuaAssertion", () => {
  it("makes an assertion the verifier accepts with every claim, through buildSoapRequest", () => {
    const assertion = mintFor(idp, { subjectName: "Zoë \"Z\" O'Neil\t& <co>", organization: "Santé\nPublique" });
    const { envelope } = buildSoapRequest({
      action: "urn:ihe:iti:2007:RegistryStoredQuery",
      body: element("urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0", "AdhocQueryRequest"),
      extraHeaders: [xuaSecurityHeader(assertion)],
    });
    const sent = serializeSoapEnvelope(envelope);
    expect(sent).toMatch(/<\/wsa:ReplyTo><wsse:Security xmlns:wsse="[^"]+"><saml2:Assertion /);
    expect(sent).not.toContain("ns1:");
    const identity = verifyXuaAssertion(sent, options);
    expect(identity.subjectName).toBe("Zoë \"Z\" O'Neil\t& <co>");
    expect(identity.organization).toBe("Santé\nPublique");
    expect(identity.roles).toEqual([CLAIMS.roles[0], { code: "nurse" }]);
    expect(identity.purposeOfUse).toEqual(CLAIMS.purposeOfUse);
    expect(identity.patientId).toBe(CLAIMS.patientId);
    expect(identity.notOnOrAfter.toISOString()).toBe("2026-03-01T10:05:00.000Z");
  });

  it("round-trips at the current time, with a certificate made now", () => {
    const current = generateTestCertificate({ commonName: "Development identity provider" });
    const assertion = mintXuaAssertion({ issuer: "urn:dev-idp", signingKeyPem: current.keyPem, certificatePem: current.certPem, subjectId: "u-1", roles: ["doctor"], audience: AUDIENCE, lifetimeSeconds: 120 });
    const identity = verifyXuaAssertion(withXuaAssertion(`<s:Envelope xmlns:s="${ENV}"><s:Body/></s:Envelope>`, assertion), { trustedCertificates: [current.certPem], audiences: [AUDIENCE] });
    expect(identity).toMatchObject({ issuer: "urn:dev-idp", subjectId: "u-1", roles: [{ code: "doctor" }] });
    expect(identity.notOnOrAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it("follows the SAML schema order: Issuer, then the enveloped signature, then Subject; no XML declaration", () => {
    const assertion = mintFor(idp, { assertionId: "_fixed-id" });
    expect(assertion.startsWith("<saml2:Assertion ")).toBe(true);
    expect(assertion).toMatch(/^<saml2:Assertion [^>]*ID="_fixed-id"[^>]*><saml2:Issuer>[^<]+<\/saml2:Issuer><ds:Signature /);
    expect(assertion).toContain('<ds:Reference URI="#_fixed-id">');
    expect(assertion).toContain("<ds:X509Certificate>");
  });

  it("makes a fresh ID each time and refuses unusable options", () => {
    expect(mintFor(idp)).not.toBe(mintFor(idp));
    const base = { issuer: "urn:idp", signingKeyPem: idp.keyPem, subjectId: "u", roles: [], audience: AUDIENCE, lifetimeSeconds: 60 };
    expect(() => mintXuaAssertion({ ...base, lifetimeSeconds: 0 })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
    expect(() => mintXuaAssertion({ ...base, subjectId: " " })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
    expect(() => mintXuaAssertion({ ...base, audience: "" })).toThrow(expect.objectContaining({ code: "XUA_CONFIG" }));
  });
});

describe("withXuaAssertion", () => {
  const body = `<s:Body><q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></s:Body>`;

  it("adds a wsse:Security header at the end of env:Header, keeping the rest byte for byte", () => {
    const assertion = mintFor(idp);
    const envelope = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ENV}"><s:Header><a:Action xmlns:a="http://www.w3.org/2005/08/addressing">é</a:Action></s:Header>${body}</s:Envelope>`;
    const sent = withXuaAssertion(envelope, `<?xml version="1.0"?>\n${assertion}\n`);
    expect(sent.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, "")).toBe(envelope);
    expect(sent).toContain(`é</a:Action><wsse:Security`);
    expect(verifyXuaAssertion(sent, options).subjectId).toBe(CLAIMS.subjectId);
  });

  it("fills an empty env:Header and creates one when there is none", () => {
    const assertion = mintFor(idp);
    const empty = withXuaAssertion(`<s:Envelope xmlns:s="${ENV}"><s:Header />${body}</s:Envelope>`, assertion);
    expect(empty).toMatch(/^<s:Envelope [^>]*><s:Header><wsse:Security [^>]*><saml2:Assertion [\s\S]*<\/wsse:Security><\/s:Header><s:Body>/);
    expect(verifyXuaAssertion(empty, options).subjectId).toBe(CLAIMS.subjectId);
    const none = withXuaAssertion(`<s:Envelope xmlns:s="${ENV}">${body}</s:Envelope>`, assertion);
    expect(verifyXuaAssertion(none, options).subjectId).toBe(CLAIMS.subjectId);
    const unprefixed = withXuaAssertion(`<Envelope xmlns="${ENV}"><Body/></Envelope>`, assertion);
    expect(unprefixed).toMatch(/^<Envelope [^>]*><Header><wsse:Security/);
    expect(verifyXuaAssertion(unprefixed, options).subjectId).toBe(CLAIMS.subjectId);
  });

  it("refuses an envelope that already has a wsse:Security header, and what is not an assertion", () => {
    const assertion = mintFor(idp);
    const once = withXuaAssertion(`<s:Envelope xmlns:s="${ENV}">${body}</s:Envelope>`, assertion);
    expect(() => withXuaAssertion(once, assertion)).toThrow(expect.objectContaining({ code: "XUA_MALFORMED" }));
    expect(() => withXuaAssertion(`<s:Envelope xmlns:s="${ENV}">${body}</s:Envelope>`, "plain text")).toThrow(expect.objectContaining({ code: "XUA_MALFORMED" }));
  });
});
