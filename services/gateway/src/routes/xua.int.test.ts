import { ACTION } from "@opendsp/ebxml";
import { mintXuaAssertion, parseSoapFault, withXuaAssertion, type MintXuaAssertionOptions } from "@opendsp/soap";
import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "@opendsp/atna";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { createCollectingAuditTrail } from "../testing/collecting-audit-trail.testing.js";
import { createTestPki, sendOverTls, tlsClient, type TestPki } from "../testing/mutual-tls.testing.js";
import { envelopeOf, post } from "../testing/xds-client.testing.js";

/**
 * XUA (ITI-40) at the gateway, in front of a stand-in service that counts what reaches it: a request with a valid
 * assertion from a trusted identity provider gets through; every other one is refused with a WS-Security Fault and
 * reaches nothing.
 */
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";
const SIMPLE = "application/soap+xml; charset=UTF-8";
const AUDIENCE = "https://dsp.example.lu/xds";
const ANSWER = `<s:Envelope xmlns:s="${ENV}"><s:Body><ok/></s:Body></s:Envelope>`;

let idp: TestCertificate;
let otherIdp: TestCertificate;
let dir: string;
let service: Server;
let gateway: GatewayServer;
let reached = 0;
let lastVerified: string | string[] | undefined;
let serviceUrl: string;
const audit = createCollectingAuditTrail();

function envelope(action: string): string {
  return (
    `<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header><a:Action>${action}</a:Action><a:MessageID>urn:uuid:xua-1</a:MessageID></s:Header>` +
    `<s:Body><q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></s:Body></s:Envelope>`
  );
}

function assertion(overrides: Partial<MintXuaAssertionOptions> = {}, signer: TestCertificate = idp): string {
  return mintXuaAssertion({
    issuer: "https://idp.example.lu",
    signingKeyPem: signer.keyPem,
    certificatePem: signer.certPem,
    subjectId: "2854-doctor",
    roles: [{ code: "46255001", codeSystem: "2.16.840.1.113883.6.96" }],
    organizationId: "urn:oid:1.3.6.1.4.1.59999.1",
    patientId: "P1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO",
    audience: AUDIENCE,
    lifetimeSeconds: 300,
    ...overrides,
  });
}

async function query(url: string, assertionXml?: string): Promise<{ status: number; body: Buffer }> {
  const xml = assertionXml === undefined ? envelope(ACTION.iti18.request) : withXuaAssertion(envelope(ACTION.iti18.request), assertionXml);
  return post(url, SIMPLE, xml);
}

/** The same, with a header field of the client's own. */
async function queryWith(url: string, assertionXml: string, name: string, value: string): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": SIMPLE, [name]: value }, body: withXuaAssertion(envelope(ACTION.iti18.request), assertionXml) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Refused with the WS-Security subcode, nothing forwarded, and audited once as an ITI-40 authentication failure
 * (ITI TF-2b 3.40.4.2) with the code of the refusal, naming nobody: the assertion's claims are not to be believed.
 */
async function expectRefused(url: string, assertionXml: string | undefined, subcode: string, code = /^GW_XUA_[A-Z_]+$/): Promise<string> {
  audit.take();
  const before = reached;
  const answer = await query(url, assertionXml);
  expect(answer.status).toBe(400);
  const fault = parseSoapFault(await envelopeOf({ ...answer, contentType: SIMPLE }));
  expect(fault?.code).toBe("Sender");
  expect(fault?.subcodes[0]?.split(":")[1]).toBe(subcode);
  expect(fault?.addressing.relatesTo).toEqual(["urn:uuid:xua-1"]);
  expect(reached, "a refused request reached the service").toBe(before);
  const records = audit.take();
  expect(records).toHaveLength(1);
  const record = records[0] as AuditRecord;
  expect(record).toMatchObject({ transaction: "ITI-40", role: "gateway", outcome: "minor-failure", patientIds: [], messageId: "urn:uuid:xua-1", failure: { code: expect.stringMatching(code) as unknown } });
  expect(record.requestor).toBeUndefined();
  expect(JSON.stringify(record)).not.toContain("2854-doctor");
  expect(JSON.stringify(record)).not.toContain("P1^^^");
  return fault?.reason ?? "";
}

beforeAll(async () => {
  idp = generateTestCertificate({ commonName: "DSP identity provider" });
  otherIdp = generateTestCertificate({ commonName: "Some other identity provider" });
  dir = await mkdtemp(join(tmpdir(), "opendsp-xua-"));
  await writeFile(join(dir, "idp.pem"), idp.certPem);
  service = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      reached++;
      lastVerified = req.headers["x-opendsp-security-verified"];
      res.writeHead(200, { "content-type": SIMPLE });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  gateway = await startGatewayServer({
    GATEWAY_PORT: "0",
    GATEWAY_ACCESS_CONTROL: "off",
    LOG_LEVEL: "silent",
    REGISTRY_URL: serviceUrl,
    REPOSITORY_URL: serviceUrl,
    GATEWAY_XUA_IDP_CERT_FILE: join(dir, "idp.pem"),
    GATEWAY_XUA_AUDIENCES: `urn:other, ${AUDIENCE}`,
  }, { auditTrail: audit });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => service?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("ITI-18 through the gateway with XUA required", () => {
  it("lets a request with a valid assertion of the trusted identity provider through", async () => {
    const before = reached;
    audit.take();
    const answer = await query(gateway.registryUrl, assertion());
    expect(answer.status).toBe(200);
    expect(audit.take(), "a request let through is audited by the service, not as a refusal").toEqual([]);
    expect(answer.body.toString()).toBe(ANSWER);
    expect(reached).toBe(before + 1);
    // The service learns that wsse:Security was verified, so a mustUnderstand on it is no Fault there.
    expect(lastVerified).toBe("wsse:Security");
  });

  it("refuses a request without an assertion (wsse:FailedAuthentication)", async () => {
    expect(await expectRefused(gateway.registryUrl, undefined, "FailedAuthentication", /^GW_XUA_MISSING$/)).toMatch(/XUA assertion .* is required/);
  });

  it("refuses an assertion signed by another identity provider, even with its certificate in KeyInfo", async () => {
    await expectRefused(gateway.registryUrl, assertion({}, otherIdp), "FailedAuthentication", /^GW_XUA_UNTRUSTED_SIGNER$/);
  });

  it("refuses an assertion changed after signing (wsse:FailedCheck)", async () => {
    const tampered = assertion().replace("2854-doctor", "9999-doctor");
    expect(tampered).toContain("9999-doctor");
    await expectRefused(gateway.registryUrl, tampered, "FailedCheck");
  });

  it("refuses an expired assertion and one for another audience", async () => {
    await expectRefused(gateway.registryUrl, assertion({ now: new Date(Date.now() - 3600_000) }), "FailedAuthentication", /^GW_XUA_EXPIRED$/);
    await expectRefused(gateway.registryUrl, assertion({ audience: "https://elsewhere.example" }), "FailedAuthentication", /^GW_XUA_WRONG_AUDIENCE$/);
  });

  it("never names a claim of the refused assertion in the Fault", async () => {
    const reason = await expectRefused(gateway.registryUrl, assertion({ now: new Date(Date.now() - 3600_000) }), "FailedAuthentication");
    expect(reason).not.toContain("2854-doctor");
    expect(reason).not.toContain("P1^^^");
  });
});

describe("the security-verified field", () => {
  it("is the gateway's alone: a client's own value is removed and the gateway's set", async () => {
    expect(await queryWith(gateway.registryUrl, assertion(), "X-OpenDSP-Security-Verified", "forged")).toBe(200);
    expect(lastVerified).toBe("wsse:Security");
  });
});

describe("XUA beside mutual TLS", () => {
  let pki: TestPki;
  let both: GatewayServer;
  const bothAudit = createCollectingAuditTrail();

  beforeAll(async () => {
    pki = await createTestPki();
    both = await startGatewayServer({
      GATEWAY_PORT: "0",
      GATEWAY_ACCESS_CONTROL: "off",
      LOG_LEVEL: "silent",
      REGISTRY_URL: serviceUrl,
      REPOSITORY_URL: serviceUrl,
      ...pki.env,
      GATEWAY_XUA_IDP_CERT_FILE: join(dir, "idp.pem"),
      GATEWAY_XUA_AUDIENCES: AUDIENCE,
    }, { auditTrail: bothAudit });
  });

  afterAll(async () => {
    await both?.close();
    await pki?.remove();
  });

  it("lets a registered system through without an assertion, but not with a bad one; a client without either is refused", async () => {
    const lab = tlsClient(pki.ca, pki.laboratory);
    const anonymous = tlsClient(pki.ca);
    try {
      const send = (agent: typeof lab, body: string) => sendOverTls(agent, both.registryUrl, { method: "POST", headers: { "content-type": SIMPLE }, body });
      const before = reached;
      expect((await send(lab, envelope(ACTION.iti18.request))).status).toBe(200);
      expect(reached).toBe(before + 1);
      // A system without an assertion: nothing was verified in wsse:Security.
      expect(lastVerified).toBeUndefined();
      const forged = await send(lab, withXuaAssertion(envelope(ACTION.iti18.request), assertion({}, otherIdp)));
      expect(forged.status).toBe(400);
      expect(parseSoapFault(await envelopeOf(forged))?.subcodes[0]?.split(":")[1]).toBe("FailedAuthentication");
      // The system that sent the forged assertion is known: the audit record names it.
      expect(bothAudit.take()).toMatchObject([{ transaction: "ITI-40", outcome: "minor-failure", requestor: { kind: "system", id: "lab-1" }, failure: { code: "GW_XUA_UNTRUSTED_SIGNER" } }]);
      expect((await send(anonymous, envelope(ACTION.iti18.request))).status).toBe(400);
      expect((await send(anonymous, withXuaAssertion(envelope(ACTION.iti18.request), assertion()))).status).toBe(200);
      expect(reached).toBe(before + 2);
    } finally {
      await lab.close();
      await anonymous.close();
    }
  });
});

describe("XUA settings", () => {
  it("refuses to start with only one of the two settings, or with a bundle holding no certificate", async () => {
    const common = { GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", LOG_LEVEL: "silent", REGISTRY_URL: serviceUrl, REPOSITORY_URL: serviceUrl };
    await expect(startGatewayServer({ ...common, GATEWAY_XUA_AUDIENCES: AUDIENCE })).rejects.toMatchObject({ code: "GATEWAY_CONFIG", message: expect.stringContaining("GATEWAY_XUA_IDP_CERT_FILE") as unknown });
    await expect(startGatewayServer({ ...common, GATEWAY_XUA_IDP_CERT_FILE: join(dir, "idp.pem") })).rejects.toMatchObject({ code: "GATEWAY_CONFIG", message: expect.stringContaining("GATEWAY_XUA_AUDIENCES") as unknown });
    await writeFile(join(dir, "empty.pem"), "no certificate here\n");
    await expect(startGatewayServer({ ...common, GATEWAY_XUA_IDP_CERT_FILE: join(dir, "empty.pem"), GATEWAY_XUA_AUDIENCES: AUDIENCE })).rejects.toMatchObject({ code: "GATEWAY_XUA_IDP_CERT" });
  });
});
