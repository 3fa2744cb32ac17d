import type { TestCertificate } from "@opendsp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { SignedXml } from "xml-crypto";
import { verifyXuaAssertion } from "./verify-xua-assertion.js";
import { identityProvider } from "./xua-envelope.testing.js";
import { DSIG_ALGORITHM, XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

/**
 * Assertions laid out the way other stacks write them (default namespaces, indentation, InclusiveNamespaces on the
 * transform, a message signature and a timestamp next to the assertion in wsse:Security): the verifier must not
 * depend on our own minter's formatting.
 */

const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

function foreignAssertion(id: string, notBefore: string, notOnOrAfter: string): string {
  return `<Assertion xmlns="${XUA_NS.saml2}" xmlns:xs="${XUA_NS.xs}" xmlns:xsi="${XUA_NS.xsi}" ID="${id}" IssueInstant="${notBefore}" Version="2.0">
    <Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">https://idp.example.org/sts</Issuer>
    <Subject>
      <NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">CN=Jeanne Martin,O=Hopital</NameID>
      <SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"/>
    </Subject>
    <Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">
      <AudienceRestriction>
        <Audience>https://gateway.example.org/xds</Audience>
      </AudienceRestriction>
    </Conditions>
    <AttributeStatement>
      <Attribute Name="urn:oasis:names:tc:xspa:1.0:subject:subject-id">
        <AttributeValue xsi:type="xs:string">
          Jeanne Martin
        </AttributeValue>
      </Attribute>
      <Attribute Name="urn:oasis:names:tc:xacml:2.0:subject:role">
        <AttributeValue>
          <Role xmlns="urn:hl7-org:v3" xsi:type="CE" code="46255001" codeSystem="2.16.840.1.113883.6.96" codeSystemName="SNOMED_CT" displayName="Pharmacist"/>
        </AttributeValue>
      </Attribute>
      <Attribute Name="urn:oasis:names:tc:xspa:1.0:subject:purposeofuse">
        <AttributeValue>
          <PurposeOfUse xmlns="urn:hl7-org:v3" xsi:type="CE" code="TREATMENT" codeSystem="2.16.840.1.113883.3.18.7.1" codeSystemName="nhin-purpose"/>
        </AttributeValue>
      </Attribute>
      <Attribute Name="urn:oasis:names:tc:xacml:2.0:resource:resource-id">
        <AttributeValue xsi:type="xs:string">543797436^^^&amp;1.2.840.113619.6.197&amp;ISO</AttributeValue>
      </Attribute>
    </AttributeStatement>
  </Assertion>`;
}

function sign(xml: string, signer: { keyPem: string; certPem: string }): string {
  const signed = new SignedXml({ privateKey: signer.keyPem, publicCert: signer.certPem, signatureAlgorithm: DSIG_ALGORITHM.rsaSha256, canonicalizationAlgorithm: DSIG_ALGORITHM.excC14n });
  signed.addReference({
    xpath: "/*",
    transforms: [DSIG_ALGORITHM.envelopedSignature, DSIG_ALGORITHM.excC14n],
    digestAlgorithm: DSIG_ALGORITHM.sha256,
    inclusiveNamespacesPrefixList: ["xs"],
  });
  signed.computeSignature(xml, { location: { reference: "/*/*[local-name(.)='Issuer']", action: "after" } });
  return signed.getSignedXml();
}

function envelope(assertion: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope">
  <S:Header>
    <To xmlns="http://www.w3.org/2005/08/addressing">https://gateway.example.org/xds</To>
    <Action xmlns="http://www.w3.org/2005/08/addressing" S:mustUnderstand="true">urn:ihe:iti:2007:CrossGatewayQuery</Action>
    <wsse:Security xmlns:wsse="${XUA_NS.wsse}" xmlns:wsu="${WSU}" S:mustUnderstand="true">
      <wsu:Timestamp wsu:Id="_ts"><wsu:Created>2026-03-01T10:00:00Z</wsu:Created></wsu:Timestamp>
      <ds:Signature xmlns:ds="${XUA_NS.ds}"><ds:SignedInfo><ds:Reference URI="#_ts"/></ds:SignedInfo></ds:Signature>
      ${assertion}
    </wsse:Security>
  </S:Header>
  <S:Body><x:Query xmlns:x="urn:x"/></S:Body>
</S:Envelope>`;
}

let idp: TestCertificate;
let other: TestCertificate;

beforeAll(() => {
  idp = identityProvider("sts.example.org");
  other = identityProvider("sts.elsewhere.example");
});

describe("assertions from other stacks", () => {
  it("verifies and reads a default-namespace, indented assertion with InclusiveNamespaces", () => {
    const assertion = sign(foreignAssertion("_a75adf55-01d7-40cc-929f-dbd8372ebdfc", "2026-03-01T09:59:00Z", "2026-03-01T10:59:00Z"), idp);
    expect(assertion).toContain("InclusiveNamespaces");
    const identity = verifyXuaAssertion(envelope(assertion), {
      trustedCertificates: [idp.certPem],
      audiences: ["https://gateway.example.org/xds"],
      now: new Date("2026-03-01T10:00:00Z"),
    });
    expect(identity).toEqual({
      assertionId: "_a75adf55-01d7-40cc-929f-dbd8372ebdfc",
      issuer: "https://idp.example.org/sts",
      notOnOrAfter: new Date("2026-03-01T10:59:00Z"),
      subjectId: "CN=Jeanne Martin,O=Hopital",
      subjectName: "Jeanne Martin",
      roles: [{ code: "46255001", codeSystem: "2.16.840.1.113883.6.96", codeSystemName: "SNOMED_CT", displayName: "Pharmacist" }],
      purposeOfUse: { code: "TREATMENT", codeSystem: "2.16.840.1.113883.3.18.7.1", codeSystemName: "nhin-purpose" },
      patientId: "543797436^^^&1.2.840.113619.6.197&ISO",
    });
  });

  it("says an expired assertion from another identity provider is untrusted: the signer is checked first", () => {
    const assertion = sign(foreignAssertion("_old", "2019-01-01T00:00:00Z", "2019-01-01T01:00:00Z"), other);
    let refused: unknown;
    try {
      verifyXuaAssertion(envelope(assertion), { trustedCertificates: [idp.certPem], audiences: ["urn:not-this-one"], now: new Date("2026-03-01T10:00:00Z") });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(XuaError);
    expect((refused as XuaError).code).toBe("XUA_UNTRUSTED_SIGNER");
  });
});
