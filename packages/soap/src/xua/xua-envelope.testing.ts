import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { signAssertion, type SignAssertionOptions } from "./assertion.signer.js";
import { mintXuaAssertion, type MintXuaAssertionOptions } from "./mint-xua-assertion.js";
import { XUA_NS } from "./xua-names.js";

/** Messages for the XUA tests: envelopes around assertions, and assertions changed or signed in unusual ways. */

export const AUDIENCE = "urn:opendsp:gateway";
export const NOW = new Date("2026-03-01T10:00:00.000Z");
export const LIFETIME_SECONDS = 300;
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

/** A signing certificate with a fresh key, valid around the fixed test time NOW (certificates are checked at `now`). */
export function identityProvider(commonName: string): TestCertificate {
  return generateTestCertificate({ commonName, notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2030-01-01T00:00:00Z") });
}

export const CLAIMS = {
  issuer: "urn:oid:1.2.250.1.999.1",
  subjectId: "dr.martin@hopital.example",
  subjectName: "Dr Jeanne Martin",
  roles: [{ code: "10", codeSystem: "1.2.250.1.213.1.1.4.5", codeSystemName: "TRE_G15-ProfessionSante", displayName: "Médecin" }, "nurse"],
  organization: "Hôpital Saint-Louis & Co <Paris>",
  organizationId: "urn:oid:1.2.250.1.71.4.2.2.1",
  purposeOfUse: { code: "EMERGENCY", codeSystem: "2.16.840.1.113883.1.11.20448" },
  patientId: "123456789^^^&1.2.250.1.213.1.4.8&ISO",
} as const;

export function mintFor(signer: TestCertificate, overrides: Partial<MintXuaAssertionOptions> = {}): string {
  return mintXuaAssertion({
    ...CLAIMS,
    signingKeyPem: signer.keyPem,
    certificatePem: signer.certPem,
    audience: AUDIENCE,
    lifetimeSeconds: LIFETIME_SECONDS,
    now: NOW,
    ...overrides,
  });
}

/** An ITI-18 request whose wsse:Security header holds `security` as is (assertions, or anything a test needs). */
export function envelopeWith(security: string, extraHeaders = ""): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${ENV}" xmlns:wsa="${WSA}"><soapenv:Header>` +
    `<wsa:Action soapenv:mustUnderstand="1">urn:ihe:iti:2007:RegistryStoredQuery</wsa:Action><wsa:MessageID>urn:uuid:1</wsa:MessageID>` +
    `<wsse:Security xmlns:wsse="${XUA_NS.wsse}">${security}</wsse:Security>${extraHeaders}</soapenv:Header>` +
    `<soapenv:Body><q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></soapenv:Body></soapenv:Envelope>`
  );
}

export function signatureOf(assertion: string): string {
  const match = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(assertion);
  if (!match) throw new Error("the assertion has no ds:Signature");
  return match[0];
}

export function withoutSignature(assertion: string): string {
  return assertion.replace(signatureOf(assertion), "");
}

/** Signs the assertion again (after a change to it) with other options. */
export function resign(assertion: string, signer: TestCertificate, options: Partial<SignAssertionOptions> = {}): string {
  return signAssertion(withoutSignature(assertion), { keyPem: signer.keyPem, certificatePem: signer.certPem, ...options });
}

export function idOf(assertion: string): string {
  const id = /ID="([^"]+)"/.exec(assertion)?.[1];
  if (id === undefined) throw new Error("the assertion has no ID");
  return id;
}
