import { encodeGrantHeader, parseActorHeader } from "@opendsp/platform";
import { generateTestCertificate } from "@opendsp/testing";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { assertionFor, type TestIdentityProvider } from "../testing/authorized-client.testing.js";

/**
 * The access-history API through the gateway (GATEWAY_AUDIT_URL), in front of a small HTTP server standing in for
 * the audit service that answers with what it received: only authenticated callers get through, with the verified
 * party in X-OpenDSP-Actor and none of the identity fields a client set itself.
 */
interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

const PATIENT = "P1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
const HISTORY = `/api/audit/patients/${encodeURIComponent(PATIENT)}/access-history?since=2026-01-01`;

let dir: string;
let idp: TestIdentityProvider;
let auditService: Server;
let received: Echo[] = [];
let gateway: GatewayServer;
let withoutAudit: GatewayServer;

const samlOf = (assertion: string): string => `SAML ${Buffer.from(assertion, "utf8").toString("base64url")}`;
const patientAssertion = (): string => assertionFor(idp, { subject: PATIENT, roles: ["patient"] });

async function get(base: string, path: string, headers: Record<string, string> = {}, method: "GET" | "POST" = "GET"): Promise<{ status: number; json: unknown }> {
  const res = await request(`${base}${path}`, { method, headers, ...(method === "POST" ? { body: "{}" } : {}) });
  const text = await res.body.text();
  return { status: res.statusCode, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opendsp-audit-proxy-"));
  idp = { certificate: generateTestCertificate({ commonName: "OpenDSP test identity provider" }), audience: "urn:opendsp:test-gateway" };
  await writeFile(join(dir, "idp.pem"), idp.certificate.certPem);
  auditService = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const echo: Echo = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
      received.push(echo);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => auditService.listen(0, "127.0.0.1", resolve));
  const common = {
    GATEWAY_PORT: "0",
    LOG_LEVEL: "silent",
    GATEWAY_XUA_IDP_CERT_FILE: join(dir, "idp.pem"),
    GATEWAY_XUA_AUDIENCES: idp.audience,
  };
  gateway = await startGatewayServer({ ...common, GATEWAY_AUDIT_URL: `http://127.0.0.1:${(auditService.address() as AddressInfo).port}/` });
  withoutAudit = await startGatewayServer(common);
});

afterAll(async () => {
  await gateway?.close();
  await withoutAudit?.close();
  await new Promise((resolve) => auditService?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("GET /api/audit/* through the gateway", () => {
  it("reaches the audit service with the path and query unchanged and the verified caller in X-OpenDSP-Actor", async () => {
    received = [];
    const answer = await get(gateway.address, HISTORY, { authorization: samlOf(patientAssertion()), "x-request-id": "history-1" });
    expect(answer.status).toBe(200);
    expect(received).toHaveLength(1);
    const echo = received[0] as Echo;
    expect(echo).toMatchObject({ method: "GET", url: HISTORY });
    expect(parseActorHeader(echo.headers["x-opendsp-actor"])).toEqual({ kind: "patient", id: PATIENT });
    expect(echo.headers["x-request-id"]).toBe("history-1");
    // The assertion stays at the gateway: the service trusts the gateway's word, not a token.
    expect(echo.headers.authorization).toBeUndefined();
  });

  it("strips the identity fields a client set itself, and sets its own actor", async () => {
    received = [];
    const forgedActor = Buffer.from(JSON.stringify({ kind: "professional", id: "dr-forged" })).toString("base64url");
    const answer = await get(gateway.address, HISTORY, {
      authorization: samlOf(patientAssertion()),
      "X-OpenDSP-Actor": forgedActor,
      "X-OpenDSP-Grant": encodeGrantHeader({ basis: "emergency", emergency: true }),
      "X-OpenDSP-System": "lab-1",
    });
    expect(answer.status).toBe(200);
    const headers = (received[0] as Echo).headers;
    expect(parseActorHeader(headers["x-opendsp-actor"])).toEqual({ kind: "patient", id: PATIENT });
    expect(headers["x-opendsp-grant"]).toBeUndefined();
    expect(headers["x-opendsp-system"]).toBeUndefined();
  });

  it("refuses an anonymous caller and an assertion it cannot verify with 401, nothing forwarded", async () => {
    received = [];
    const anonymous = await get(gateway.address, HISTORY, { "X-OpenDSP-Actor": Buffer.from(JSON.stringify({ kind: "patient", id: PATIENT })).toString("base64url") });
    expect(anonymous).toMatchObject({ status: 401, json: { type: "urn:opendsp:problem:unauthenticated" } });
    const forged = assertionFor({ ...idp, certificate: generateTestCertificate({ commonName: "somebody else" }) }, { subject: PATIENT, roles: ["patient"] });
    expect((await get(gateway.address, HISTORY, { authorization: samlOf(forged) })).status).toBe(401);
    expect(received).toEqual([]);
  });

  it("opens only reading: a POST to the audit API is not routed", async () => {
    received = [];
    const answer = await get(gateway.address, "/api/audit/events", { authorization: samlOf(patientAssertion()), "content-type": "application/json" }, "POST");
    expect(answer.status).toBe(404);
    expect(received).toEqual([]);
  });
});

describe("GET /fhir/AuditEvent through the gateway", () => {
  it("reaches the audit service's FHIR search with its query", async () => {
    received = [];
    const search = `/fhir/AuditEvent?patient=${encodeURIComponent(PATIENT)}&_count=20`;
    const answer = await get(gateway.address, search, { authorization: samlOf(patientAssertion()) });
    expect(answer.status).toBe(200);
    expect(received.map((e) => e.url)).toEqual([search]);
    expect(parseActorHeader((received[0] as Echo).headers["x-opendsp-actor"]).kind).toBe("patient");
  });
});

describe("without GATEWAY_AUDIT_URL", () => {
  it("serves no audit route", async () => {
    received = [];
    expect((await get(withoutAudit.address, HISTORY, { authorization: samlOf(patientAssertion()) })).status).toBe(404);
    expect((await get(withoutAudit.address, "/fhir/AuditEvent", { authorization: samlOf(patientAssertion()) })).status).toBe(404);
    expect(received).toEqual([]);
  });
});
