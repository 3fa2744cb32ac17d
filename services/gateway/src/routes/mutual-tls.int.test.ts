import { ACTION } from "@opendsp/ebxml";
import { parseSoapFault } from "@opendsp/soap";
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { connect } from "node:tls";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { createCollectingAuditTrail } from "../testing/collecting-audit-trail.testing.js";
import { createTestPki, sendOverTls, tlsClient, type TestPki, type TlsAnswer } from "../testing/mutual-tls.testing.js";
import { envelopeOf } from "../testing/xds-client.testing.js";

/**
 * The gateway over HTTPS with client certificates, in front of a stand-in service that records what reaches it:
 * which callers get through, with which X-OpenDSP-System, and which are refused, at the TLS layer or by a Fault.
 */
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";
const SIMPLE = "application/soap+xml; charset=UTF-8";
const ANSWER = `<s:Envelope xmlns:s="${ENV}"><s:Body><ok/></s:Body></s:Envelope>`;

function soap(action: string): string {
  return (
    `<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header><a:Action>${action}</a:Action><a:MessageID>urn:uuid:mtls-1</a:MessageID></s:Header>` +
    `<s:Body><q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></s:Body></s:Envelope>`
  );
}

let pki: TestPki;
let recorded: IncomingHttpHeaders[] = [];
let service: Server;
let optional: GatewayServer;
let required: GatewayServer;
const clients: Agent[] = [];
const audit = createCollectingAuditTrail();

function client(certificate?: TestPki["laboratory"]): Agent {
  const agent = tlsClient(pki.ca, certificate);
  clients.push(agent);
  return agent;
}

async function iti(gatewayUrl: string, agent: Agent, action: string, headers: Record<string, string> = {}): Promise<TlsAnswer> {
  return sendOverTls(agent, gatewayUrl, { method: "POST", headers: { "content-type": SIMPLE, ...headers }, body: soap(action) });
}

/** The connection was closed on the client: the TLS layer refused it (the server closes it, or alerts, after the handshake). */
async function expectRefusedConnection(pending: Promise<unknown>, what: string): Promise<void> {
  const err = await pending.then(
    () => undefined,
    (e: unknown) => e as NodeJS.ErrnoException,
  );
  expect(err, `${what} was served`).toBeDefined();
  expect(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"].includes(err?.code ?? "") || /^ERR_SSL_/.test(err?.code ?? ""), `${what}: ${err?.code ?? ""} ${err?.message ?? ""}`).toBe(true);
}

async function faultOf(answer: TlsAnswer): Promise<ReturnType<typeof parseSoapFault>> {
  return parseSoapFault(await envelopeOf(answer));
}

beforeAll(async () => {
  pki = await createTestPki();
  service = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      recorded.push(req.headers);
      res.writeHead(200, { "content-type": SIMPLE });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  const serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const common = { GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", LOG_LEVEL: "silent", REGISTRY_URL: serviceUrl, REPOSITORY_URL: serviceUrl, ...pki.env };
  optional = await startGatewayServer(common, { auditTrail: audit });
  required = await startGatewayServer({ ...common, GATEWAY_TLS_CLIENT_CERT: "required" });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await optional?.close();
  await required?.close();
  await new Promise((resolve) => service?.close(resolve));
  await pki?.remove();
});

describe("a registered system over mutual TLS", () => {
  it("gets through, and the service learns which system called in X-OpenDSP-System", async () => {
    recorded = [];
    const answer = await iti(optional.registryUrl, client(pki.laboratory), ACTION.iti18.request);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(ANSWER);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ "x-opendsp-system": "lab-1", "x-forwarded-proto": "https" });
  });

  it("has a client-sent X-OpenDSP-System replaced by the one the gateway authenticated", async () => {
    recorded = [];
    const answer = await iti(optional.registryUrl, client(pki.laboratory), ACTION.iti18.request, { "X-OpenDSP-System": "his-other" });
    expect(answer.status).toBe(200);
    expect(recorded[0]?.["x-opendsp-system"]).toBe("lab-1");
  });

  it("is refused with a Sender Fault for a transaction it is not registered for, and let through for its own", async () => {
    recorded = [];
    audit.take();
    const agent = client(pki.submitOnly);
    const refused = await iti(optional.registryUrl, agent, ACTION.iti18.request);
    expect(refused.status).toBe(400);
    const fault = await faultOf(refused);
    expect(fault).toMatchObject({ code: "Sender", reason: "The system lab-submit is not allowed to send ITI-18" });
    expect(fault?.addressing.relatesTo).toEqual(["urn:uuid:mtls-1"]);
    expect(recorded).toEqual([]);
    expect(audit.take()).toMatchObject([
      {
        transaction: "ITI-18",
        role: "gateway",
        outcome: "serious-failure",
        requestor: { kind: "system", id: "lab-submit", organizationId: "1.2.250.1.71.4.2.2.1" },
        messageId: "urn:uuid:mtls-1",
        failure: { code: "GW_SYSTEM_TRANSACTION_NOT_ALLOWED", reason: "system lab-submit: iti18 not allowed" },
      },
    ]);
    const allowed = await iti(optional.repositoryUrl, agent, ACTION.iti41.request);
    expect(allowed.status).toBe(200);
    expect(audit.take()).toEqual([]);
    expect(recorded.map((h) => h["x-opendsp-system"])).toEqual(["lab-submit"]);
  });

  it("is served under 'required' too", async () => {
    recorded = [];
    expect((await iti(required.registryUrl, client(pki.laboratory), ACTION.iti18.request)).status).toBe(200);
    expect(recorded[0]?.["x-opendsp-system"]).toBe("lab-1");
  });
});

describe("callers that are not a registered system", () => {
  it("a certificate of the trusted CA that no system is registered for gets a Sender Fault", async () => {
    recorded = [];
    audit.take();
    const answer = await iti(optional.registryUrl, client(pki.stranger), ACTION.iti18.request);
    expect(answer.status).toBe(400);
    expect(await faultOf(answer)).toMatchObject({ code: "Sender", reason: "The client certificate belongs to an unknown system" });
    expect(recorded).toEqual([]);
    const records = audit.take();
    expect(records).toMatchObject([{ transaction: "ITI-18", role: "gateway", outcome: "serious-failure", patientIds: [], client: { networkAddress: expect.any(String) as unknown }, failure: { code: "GW_UNKNOWN_SYSTEM" } }]);
    expect(records[0]?.requestor).toBeUndefined();
  });

  it("a certificate of an untrusted CA, or an expired one, is refused at the TLS layer, even with a registered subject", async () => {
    recorded = [];
    for (const gateway of [optional, required]) {
      for (const certificate of [pki.untrusted, pki.expired]) {
        const what = `${certificate === pki.expired ? "expired" : "untrusted"} certificate at ${gateway === optional ? "optional" : "required"}`;
        await expectRefusedConnection(iti(gateway.registryUrl, client(certificate), ACTION.iti18.request), what);
        // Every endpoint: the connection is closed before HTTP.
        await expectRefusedConnection(sendOverTls(client(certificate), `${gateway.address}/health`), `${what}, /health`);
      }
    }
    expect(recorded).toEqual([]);
  });

  it("no certificate passes under 'optional', with no system for the service, a client's own header removed", async () => {
    recorded = [];
    const answer = await iti(optional.registryUrl, client(), ACTION.iti18.request, { "X-OpenDSP-System": "lab-1" });
    expect(answer.status).toBe(200);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.["x-opendsp-system"]).toBeUndefined();
  });

  it("a client-sent X-OpenDSP-System never reaches a service through the JSON APIs either", async () => {
    recorded = [];
    const answer = await sendOverTls(client(pki.laboratory), `${optional.address}/api/patients/x`, { headers: { "X-OpenDSP-System": "lab-1" } });
    expect(answer.status).toBe(200);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.["x-opendsp-system"]).toBeUndefined();
  });

  it("no certificate is refused in the handshake under 'required'", async () => {
    recorded = [];
    await expectRefusedConnection(iti(required.registryUrl, client(), ACTION.iti18.request), "no certificate");
    await expectRefusedConnection(sendOverTls(client(), `${required.address}/health`), "no certificate, /health");
    expect(recorded).toEqual([]);
  });
});

describe("the gateway's own endpoints over HTTPS", () => {
  it("names https in its addresses and serves health, metrics, docs and the WSDL with the https address", async () => {
    expect(optional.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(optional.registryUrl).toBe(`${optional.address}/xds/registry`);
    const agent = client(pki.laboratory);
    const health = await sendOverTls(agent, `${optional.address}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: "ok" });
    expect((await sendOverTls(client(), `${optional.address}/health`)).status).toBe(200);
    const metrics = await sendOverTls(agent, `${optional.address}/metrics`);
    expect(metrics.body.toString()).toMatch(/^opendsp_gateway_requests_total\{endpoint="registry",action="iti18",outcome="refused"\} [1-9]\d*$/m);
    expect((await sendOverTls(agent, `${optional.address}/docs`)).status).toBeLessThan(400);
    const wsdl = await sendOverTls(agent, `${optional.registryUrl}?wsdl`);
    expect(wsdl.body.toString()).toContain(`location="${optional.registryUrl}"`);
  });

  it("speaks TLS 1.2 and later only", async () => {
    const port = Number(new URL(optional.address).port);
    const handshake = (version: "TLSv1.1" | "TLSv1.2"): Promise<string> =>
      new Promise((resolve) => {
        // SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal must come from the gateway.
        const socket = connect({ host: "127.0.0.1", port, ca: pki.ca.certPem, minVersion: version, maxVersion: version, ciphers: "DEFAULT:@SECLEVEL=0" });
        socket.on("secureConnect", () => {
          resolve(socket.getProtocol() ?? "none");
          socket.destroy();
        });
        socket.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
    expect(await handshake("TLSv1.2")).toBe("TLSv1.2");
    expect(await handshake("TLSv1.1")).toMatch(/^ERR_SSL_/);
  });
});

describe("TLS material that cannot be used stops the start", () => {
  it("names the variable of a missing file, a key that is not the certificate's, an empty CA bundle, a wrong systems file", async () => {
    const start = (overrides: Record<string, string>): Promise<GatewayServer> => startGatewayServer({ GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", LOG_LEVEL: "silent", ...pki.env, ...overrides });
    await expect(start({ GATEWAY_TLS_CERT_FILE: join(pki.dir, "absent.crt") })).rejects.toMatchObject({
      code: "GATEWAY_TLS_FILE",
      message: `GATEWAY_TLS_CERT_FILE (${join(pki.dir, "absent.crt")}) cannot be read: ENOENT`,
    });
    const otherKey = join(pki.dir, "other.key");
    await writeFile(otherKey, pki.stranger.keyPem);
    await expect(start({ GATEWAY_TLS_KEY_FILE: otherKey })).rejects.toMatchObject({ code: "GATEWAY_TLS_CERTIFICATE" });
    const emptyCa = join(pki.dir, "empty-ca.pem");
    await writeFile(emptyCa, "not a certificate\n");
    await expect(start({ GATEWAY_TLS_CLIENT_CA_FILE: emptyCa })).rejects.toMatchObject({ code: "GATEWAY_TLS_CLIENT_CA" });
    const badSystems = join(pki.dir, "bad-systems.json");
    await writeFile(badSystems, JSON.stringify([{ id: "x", name: "x", organizationId: "1.2", kind: "laboratory", certificate: {} }]));
    await expect(start({ GATEWAY_SYSTEMS_FILE: badSystems })).rejects.toMatchObject({ code: "GATEWAY_SYSTEMS_FILE" });
    await expect(start({ GATEWAY_SYSTEMS_FILE: "" })).rejects.toMatchObject({ code: "GATEWAY_CONFIG", message: expect.stringContaining("missing GATEWAY_SYSTEMS_FILE") as unknown });
  });
});
