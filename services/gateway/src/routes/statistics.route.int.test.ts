import { ACTION } from "@opendsp/ebxml";
import { encodeActorHeader } from "@opendsp/platform";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import {
  createPostgresTestDatabase,
  dischargeLetterEntry,
  registerRequestElement,
  startRegistryProcess,
  startServiceProcess,
  submissionSetFor,
  type RegistryProcess,
  type ServiceProcess,
  type TestDatabase,
} from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { freshPatientId } from "../testing/gateway-harness.js";

const LOINC = "2.16.840.1.113883.6.1";
const labReport = { code: "11502-2", codingScheme: LOINC, displayName: "Laboratory report" };

let registryDb: TestDatabase;
let consentDb: TestDatabase;
let registry: RegistryProcess;
let consent: ServiceProcess;
let consentBase: string;
let gateway: GatewayServer;

beforeAll(async () => {
  registryDb = await createPostgresTestDatabase("opendsp_gw_stats_registry");
  consentDb = await createPostgresTestDatabase("opendsp_gw_stats_consent");
  [registry, consent] = await Promise.all([
    // A short statistics window, so that the recount follows the registrations within the test.
    startRegistryProcess({ DATABASE_URL: registryDb.url, REGISTRY_STATISTICS_WINDOW_MS: "50" }),
    startServiceProcess("services/consent/src/main.ts", { DATABASE_URL: consentDb.url, CONSENT_PORT: "0", CONSENT_PRESENCE_CODE_KEY: randomBytes(32).toString("base64") }),
  ]);
  consentBase = new URL(consent.soapUrl).origin;
  gateway = await startGatewayServer({
    GATEWAY_PORT: "0",
    GATEWAY_ACCESS_CONTROL: "off",
    REGISTRY_URL: registry.baseUrl,
    GATEWAY_CONSENT_URL: consentBase,
    LOG_LEVEL: "silent",
  });
}, 120_000);

afterAll(async () => {
  await gateway.close();
  await Promise.all([registry.stop(), consent.stop()]);
  await Promise.all([registryDb.drop(), consentDb.drop()]);
});

/** ITI-42 straight to the registry, as the repository sends it. */
async function registerDocuments(patientId: string, classCodes: readonly (typeof labReport)[]): Promise<void> {
  await registry.feedPatient(patientId);
  const entries = classCodes.map((c, i) => dischargeLetterEntry(patientId, { entryUuid: `Document${i}`, classCode: c, typeCode: c }));
  const body = registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: entries });
  const { envelope } = buildSoapRequest({ action: ACTION.iti42.request, to: registry.soapUrl, body });
  const res = await fetch(registry.soapUrl, {
    method: "POST",
    headers: { "content-type": `application/soap+xml; charset=UTF-8; action="${ACTION.iti42.request}"` },
    body: serializeSoapEnvelope(envelope),
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("ResponseStatusType:Success");
}

async function declare(patientId: string, rest: string, body?: unknown): Promise<void> {
  const res = await fetch(`${consentBase}/api/consent/patients/${encodeURIComponent(patientId)}/${rest}`, {
    method: "PUT",
    headers: { "x-opendsp-actor": encodeActorHeader({ kind: "patient", id: patientId }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function json(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("GET /api/stats on the gateway", () => {
  it("combines the registry's document statistics and the consent service's declared professionals, without patient data", async () => {
    const [a, b] = [freshPatientId(), freshPatientId()];
    await registerDocuments(a, [labReport, labReport]);
    await registerDocuments(b, [labReport]);
    await declare(a, "trust-circle/dr-1");
    await declare(b, "referring-doctor", { professionalId: "dr-2" });

    await vi.waitFor(async () => expect((await json(`${gateway.address}/api/stats`))["documents"]).toMatchObject({ totalDocuments: 3 }), { timeout: 10_000 });
    const stats = await json(`${gateway.address}/api/stats`);
    const fromRegistry = await json(`${registry.baseUrl}/api/stats`);
    const fromConsent = await json(`${consentBase}/internal/statistics`);
    const { generatedAt: _r, ...documents } = fromRegistry;
    const { generatedAt: _c, ...professionals } = fromConsent;
    expect(stats).toEqual({ generatedAt: expect.any(String) as string, documents, professionals });
    expect(stats["professionals"]).toMatchObject({ professionalsDeclared: 2, trustCircleProfessionals: 1, referringDoctors: 1 });
    expect(stats["documents"]).toMatchObject({ recordsWithDocuments: 2 });
    const text = JSON.stringify(stats);
    expect(text).not.toContain(a.split("^")[0]);
    expect(text).not.toContain("dr-1");
  });

  it("serves the same numbers as a period,indicator,value CSV table", async () => {
    const stats = (await json(`${gateway.address}/api/stats`)) as { documents: { months: { month: string; documents: Record<string, number> }[] }; professionals: { professionalsDeclared: number } };
    const res = await fetch(`${gateway.address}/api/stats.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("period,indicator,value");
    const month = stats.documents.months.at(-1);
    expect(lines).toContain(`${month?.month},documents:lab-results,${month?.documents["lab-results"]}`);
    expect(lines).toContain(`current,professionals_declared,${stats.professionals.professionalsDeclared}`);
    expect(lines.at(-1)).toBe("");
  });

  it("publishes nothing, with a 502 problem, when a service cannot answer", async () => {
    const cut = await startGatewayServer({ GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", REGISTRY_URL: registry.baseUrl, GATEWAY_CONSENT_URL: "http://127.0.0.1:1", LOG_LEVEL: "silent" });
    try {
      for (const path of ["/api/stats", "/api/stats.csv"]) {
        const res = await fetch(`${cut.address}${path}`);
        expect(res.status).toBe(502);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        expect(await res.json()).toMatchObject({ status: 502, code: "GW_STATISTICS_UNAVAILABLE" });
      }
    } finally {
      await cut.close();
    }
  });
});
