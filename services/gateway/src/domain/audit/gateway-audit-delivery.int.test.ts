import { AUDIT_DELIVERY, parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import { ACTION } from "@opendsp/ebxml";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayServer, type GatewayServer } from "../../server.js";
import { createTestPki, sendOverTls, tlsClient, type TestPki } from "../../testing/mutual-tls.testing.js";

/**
 * Without an audit trail given by its caller, the gateway delivers its refusal records itself to the audit service
 * named by GATEWAY_AUDIT_URL (its HTTP intake, AUDIT_DELIVERY.intakePath). The intake here is a small HTTP server that
 * keeps what it is sent and refuses the first delivery as an audit store outage would (503): the record is retried and
 * arrives once.
 */
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

let pki: TestPki;
let intake: Server;
let upstream: Server;
let gateway: GatewayServer | undefined;
let agent: Agent | undefined;
const received: AuditRecord[] = [];
let deliveries = 0;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  pki = await createTestPki();
  intake = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries++;
      if (req.url !== AUDIT_DELIVERY.intakePath || deliveries === 1) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "AUDIT_STORE_UNAVAILABLE", message: "the audit store cannot be written" }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { records: unknown[] };
      for (const record of body.records) received.push(parseAuditRecord(record));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ stored: body.records.length, duplicates: 0 }));
    });
  });
  upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(500).end());
  });
  const auditUrl = await listen(intake);
  const upstreamUrl = await listen(upstream);
  gateway = await startGatewayServer({
    GATEWAY_PORT: "0",
    LOG_LEVEL: "silent",
    REGISTRY_URL: upstreamUrl,
    REPOSITORY_URL: upstreamUrl,
    GATEWAY_CONSENT_URL: upstreamUrl,
    GATEWAY_AUDIT_URL: auditUrl,
    ...pki.env,
  });
  agent = tlsClient(pki.ca);
});

afterAll(async () => {
  await agent?.close();
  await gateway?.close();
  await new Promise((resolve) => intake?.close(resolve));
  await new Promise((resolve) => upstream?.close(resolve));
  await pki?.remove();
});

describe("the gateway's own audit delivery (GATEWAY_AUDIT_URL)", () => {
  it("an ITI-18 refused at the edge reaches the audit service's intake once, after the intake's outage", { timeout: 30_000 }, async () => {
    if (gateway === undefined || agent === undefined) throw new Error("the gateway did not start");
    const body = `<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header><a:Action>${ACTION.iti18.request}</a:Action><a:MessageID>urn:uuid:delivered-1</a:MessageID></s:Header><s:Body><q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/></s:Body></s:Envelope>`;
    const answer = await sendOverTls(agent, gateway.registryUrl, { method: "POST", headers: { "content-type": "application/soap+xml; charset=UTF-8" }, body });
    expect(answer.status).toBe(400);
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(deliveries).toBeGreaterThanOrEqual(2);
    expect(received).toMatchObject([{ transaction: "ITI-18", role: "gateway", messageId: "urn:uuid:delivered-1", failure: { code: "GW_NOT_AUTHENTICATED" } }]);
    // Nothing is sent again once the intake took it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received).toHaveLength(1);
  });
});
