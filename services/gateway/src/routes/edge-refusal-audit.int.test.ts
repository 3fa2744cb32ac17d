import { ACTION } from "@opendsp/ebxml";
import { parseSoapFault } from "@opendsp/soap";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { createCollectingAuditTrail } from "../testing/collecting-audit-trail.testing.js";
import { createTestPki, sendOverTls, tlsClient, type TestPki } from "../testing/mutual-tls.testing.js";
import { envelopeOf } from "../testing/xds-client.testing.js";

/**
 * Refusals of the consent step that come before any decision, audited once each: a caller nobody authenticated
 * (mutual TLS only, no client certificate) and a retrieve request the gateway cannot read. Stand-ins for the
 * services and the consent service count what reaches them: nothing does.
 */
const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";
const SIMPLE = "application/soap+xml; charset=UTF-8";

function soap(action: string, messageId: string, body: string): string {
  return `<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header><a:Action>${action}</a:Action><a:MessageID>${messageId}</a:MessageID></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

let pki: TestPki;
let standIn: Server;
let reached = 0;
let gateway: GatewayServer;
const audit = createCollectingAuditTrail();
const agents: Agent[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  standIn = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      reached++;
      res.writeHead(500, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  gateway = await startGatewayServer(
    { GATEWAY_PORT: "0", LOG_LEVEL: "silent", REGISTRY_URL: url, REPOSITORY_URL: url, GATEWAY_CONSENT_URL: url, ...pki.env },
    { auditTrail: audit },
  );
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await gateway?.close();
  await new Promise((resolve) => standIn?.close(resolve));
  await pki?.remove();
});

function client(certificate?: TestPki["laboratory"]): Agent {
  const agent = tlsClient(pki.ca, certificate);
  agents.push(agent);
  return agent;
}

describe("refusals of the consent step before any decision", () => {
  it("a caller with neither certificate nor assertion: ITI-18 refused (wsse:FailedAuthentication), one record naming nobody", async () => {
    audit.take();
    const answer = await sendOverTls(client(), gateway.registryUrl, { method: "POST", headers: { "content-type": SIMPLE }, body: soap(ACTION.iti18.request, "urn:uuid:anon-1", '<q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/>') });
    expect(answer.status).toBe(400);
    expect(parseSoapFault(await envelopeOf(answer))?.subcodes[0]?.split(":")[1]).toBe("FailedAuthentication");
    const records = audit.take();
    expect(records).toMatchObject([{ transaction: "ITI-18", role: "gateway", outcome: "serious-failure", messageId: "urn:uuid:anon-1", patientIds: [], failure: { code: "GW_NOT_AUTHENTICATED" } }]);
    expect(records[0]?.requestor).toBeUndefined();
    expect(reached).toBe(0);
  });

  it("a registered system's unreadable ITI-43: refused, one record naming the system", async () => {
    audit.take();
    const answer = await sendOverTls(client(pki.laboratory), gateway.repositoryUrl, { method: "POST", headers: { "content-type": SIMPLE }, body: soap(ACTION.iti43.request, "urn:uuid:lab-43", "<notARetrieve/>") });
    expect(answer.status).toBe(400);
    expect(parseSoapFault(await envelopeOf(answer))?.code).toBe("Sender");
    expect(audit.take()).toMatchObject([
      { transaction: "ITI-43", role: "gateway", outcome: "serious-failure", requestor: { kind: "system", id: "lab-1" }, messageId: "urn:uuid:lab-43", patientIds: [], failure: { code: "GW_UNREADABLE_REQUEST" } },
    ]);
    expect(reached).toBe(0);
  });
});
