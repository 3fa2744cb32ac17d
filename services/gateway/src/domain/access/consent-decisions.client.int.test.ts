import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConsentUnavailableError, createConsentDecisions } from "./consent-decisions.client.js";

/**
 * The gateway's consent decisions against a stand-in decision API that counts calls: what is reused, for how long,
 * and what is never kept.
 */
let server: Server;
let base: string;
const agent = new Agent();
let calls: { patientId: string; action: string }[] = [];
let reply: (patientId: string) => { status: number; body: unknown } = () => ({ status: 200, body: permit() });

function permit(validUntil?: string): Record<string, unknown> {
  return { decision: "permit", basis: "trust-circle", emergency: false, maskedDocumentUniqueIds: ["1.2.3"], authorExemption: true, rulesVersion: 3, ...(validUntil ? { validUntil } : {}) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(text) as { patientId: string; action: string };
      calls.push({ patientId: body.patientId, action: body.action });
      const answer = reply(body.patientId);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  calls = [];
  reply = () => ({ status: 200, body: permit() });
});

const doctor = { kind: "professional" as const, id: "dr-1", roles: ["doctor"] };

describe("consent decisions held by the gateway", () => {
  it("reuses a decision for the same actor, patient and action within the cache time, and shares one call between concurrent asks", async () => {
    let now = 1_000_000;
    const decisions = createConsentDecisions({ agent, baseUrl: base, timeoutMs: 2000, cacheSeconds: 5, now: () => now });
    const [a, b] = await Promise.all([decisions.decide(doctor, "P1", "read"), decisions.decide(doctor, "P1", "read")]);
    expect(a).toEqual(b);
    expect(a.maskedDocumentUniqueIds).toEqual(["1.2.3"]);
    await decisions.decide(doctor, "P1", "publish");
    await decisions.decide({ ...doctor, purposeOfUse: "EMERGENCY" }, "P1", "read");
    expect(calls).toHaveLength(3);
    now += 5_001;
    await decisions.decide(doctor, "P1", "read");
    expect(calls).toHaveLength(4);
  });

  it("forgets a patient's decisions when told their rules changed, and only theirs", async () => {
    const decisions = createConsentDecisions({ agent, baseUrl: base, timeoutMs: 2000, cacheSeconds: 60 });
    await decisions.decide(doctor, "P1", "read");
    await decisions.decide(doctor, "P2", "read");
    decisions.forgetPatient("P1");
    await decisions.decide(doctor, "P1", "read");
    await decisions.decide(doctor, "P2", "read");
    expect(calls.map((c) => c.patientId)).toEqual(["P1", "P2", "P1"]);
  });

  it("never keeps a decision past its validUntil (the end of a presence grant)", async () => {
    reply = () => ({ status: 200, body: permit(new Date(Date.now() + 1000).toISOString()) });
    const decisions = createConsentDecisions({ agent, baseUrl: base, timeoutMs: 2000, cacheSeconds: 60 });
    await decisions.decide(doctor, "P1", "read");
    await decisions.decide(doctor, "P1", "read");
    expect(calls).toHaveLength(2);
  });

  it("keeps no failure: an unreachable or broken service is ConsentUnavailableError, asked again next time", async () => {
    reply = () => ({ status: 500, body: { code: "CONSENT_INTERNAL" } });
    const decisions = createConsentDecisions({ agent, baseUrl: base, timeoutMs: 2000, cacheSeconds: 60 });
    await expect(decisions.decide(doctor, "P1", "read")).rejects.toBeInstanceOf(ConsentUnavailableError);
    reply = () => ({ status: 200, body: permit() });
    await expect(decisions.decide(doctor, "P1", "read")).resolves.toMatchObject({ decision: "permit" });
    const nowhere = createConsentDecisions({ agent, baseUrl: "http://127.0.0.1:1", timeoutMs: 2000, cacheSeconds: 60 });
    await expect(nowhere.decide(doctor, "P1", "read")).rejects.toBeInstanceOf(ConsentUnavailableError);
  });

  it("answers deny for a patient id the consent service refuses as invalid (400)", async () => {
    reply = () => ({ status: 400, body: { code: "CONSENT_INVALID_PATIENT_ID" } });
    const decisions = createConsentDecisions({ agent, baseUrl: base, timeoutMs: 2000, cacheSeconds: 0 });
    await expect(decisions.decide(doctor, "not a cx", "read")).resolves.toMatchObject({ decision: "deny", maskedDocumentUniqueIds: [] });
  });
});
