import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { DATABASE_KINDS, patientPath, startConsent, type ConsentUnderTest } from "../testing/consent-harness.js";

let counter = 0;
/** A patient id of its own for each test, so tests in a file never share rules. */
function freshPatient(): string {
  counter += 1;
  return `P${Date.now().toString(36)}${counter}^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO`;
}

const emergency: Actor = { kind: "professional", id: "dr-er", roles: ["emergency"], purposeOfUse: "EMERGENCY", organizationId: "chl" };
const lab: Actor = { kind: "system", id: "lab-1", organizationId: "lab" };

describe.each(DATABASE_KINDS)("POST /api/consent/decisions on %s", (kind) => {
  let consent: ConsentUnderTest;
  beforeAll(async () => {
    consent = await startConsent(kind);
  });
  afterAll(async () => {
    await consent.close();
  });

  async function decide(actor: Actor, patientId: string, action: "read" | "publish") {
    const res = await consent.call("POST", "/api/consent/decisions", undefined, { actor, patientId, action });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Record<string, unknown>>();
  }

  it("answers for a patient who never set rules: the patient and systems in, an unrelated professional out, version 0", async () => {
    const patientId = freshPatient();
    expect(await decide({ kind: "patient", id: patientId }, patientId, "read")).toEqual({
      decision: "permit",
      basis: "patient",
      emergency: false,
      maskedDocumentUniqueIds: [],
      authorExemption: false,
      rulesVersion: 0,
    });
    expect(await decide(lab, patientId, "publish")).toMatchObject({ decision: "permit", basis: "system" });
    expect(await decide({ kind: "professional", id: "dr-x" }, patientId, "read")).toMatchObject({ decision: "deny", reason: "no-relationship", rulesVersion: 0 });
  });

  it("closing the record denies every professional, emergency included, and every publication; the patient still reads; reopening restores access", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    await consent.call("PUT", patientPath(patientId, "trust-circle/dr-trusted"), patient);
    await consent.call("PUT", patientPath(patientId, "referring-doctor"), patient, { professionalId: "dr-ref" });
    const code = (await consent.call("POST", patientPath(patientId, "presence-codes"), patient)).json<{ code: string }>().code;
    expect((await consent.call("POST", patientPath(patientId, "presence-grants"), { kind: "professional", id: "dr-present" }, { code })).statusCode).toBe(201);
    const unused = (await consent.call("POST", patientPath(patientId, "presence-codes"), patient)).json<{ code: string }>().code;
    const professionals: Actor[] = [{ kind: "professional", id: "dr-trusted" }, { kind: "professional", id: "dr-ref" }, { kind: "professional", id: "dr-present" }, emergency];
    for (const actor of professionals) expect(await decide(actor, patientId, "read")).toMatchObject({ decision: "permit" });

    expect((await consent.call("POST", patientPath(patientId, "record/close"), patient)).json()).toMatchObject({ state: "closed" });
    for (const actor of professionals) {
      expect(await decide(actor, patientId, "read")).toMatchObject({ decision: "deny", reason: "record-closed", emergency: false });
      expect(await decide(actor, patientId, "publish")).toMatchObject({ decision: "deny", reason: "record-closed" });
    }
    expect(await decide(lab, patientId, "publish")).toMatchObject({ decision: "deny", reason: "record-closed" });
    expect(await decide(patient, patientId, "publish")).toMatchObject({ decision: "deny", reason: "record-closed" });
    expect(await decide(patient, patientId, "read")).toMatchObject({ decision: "permit", basis: "patient" });

    expect((await consent.call("POST", patientPath(patientId, "record/reopen"), patient)).json()).toMatchObject({ state: "reopened" });
    // A code issued before the closing does not survive it.
    expect((await consent.call("POST", patientPath(patientId, "presence-grants"), { kind: "professional", id: "dr-late" }, { code: unused })).json()).toMatchObject({ code: "CONSENT_BAD_PRESENCE_CODE" });
    expect(await decide({ kind: "professional", id: "dr-trusted" }, patientId, "read")).toMatchObject({ decision: "permit", basis: "trust-circle" });
    expect(await decide({ kind: "professional", id: "dr-ref" }, patientId, "read")).toMatchObject({ decision: "permit", basis: "referring-doctor" });
    // The presence grant was for a visit: closing ended it.
    expect(await decide({ kind: "professional", id: "dr-present" }, patientId, "read")).toMatchObject({ decision: "deny", reason: "no-relationship" });
  });

  it("masked documents are in professionals' decisions with the author exemption, never in the patient's or a representative's", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    await consent.call("PUT", patientPath(patientId, "trust-circle/dr-trusted"), patient);
    await consent.call("PUT", patientPath(patientId, "representatives/rep-1"), patient, { rights: ["read"], relation: "legal-representative" });
    await consent.call("PUT", patientPath(patientId, `masked-documents/${encodeURIComponent("1.2.3.4^ext")}`), patient);
    await consent.call("PUT", patientPath(patientId, "masked-documents/1.2.3.5"), patient);
    const professional = await decide({ kind: "professional", id: "dr-trusted" }, patientId, "read");
    expect(professional).toMatchObject({ decision: "permit", authorExemption: true });
    expect([...(professional["maskedDocumentUniqueIds"] as string[])].sort()).toEqual(["1.2.3.4^ext", "1.2.3.5"]);
    expect(await decide(emergency, patientId, "read")).toMatchObject({ decision: "permit", emergency: true, authorExemption: true });
    expect(await decide(patient, patientId, "read")).toMatchObject({ maskedDocumentUniqueIds: [], authorExemption: false });
    expect(await decide({ kind: "representative", id: "rep-1" }, patientId, "read")).toMatchObject({ decision: "permit", basis: "representative", maskedDocumentUniqueIds: [] });

    await consent.call("DELETE", patientPath(patientId, "masked-documents/1.2.3.5"), patient);
    expect(await decide({ kind: "professional", id: "dr-trusted" }, patientId, "read")).toMatchObject({ maskedDocumentUniqueIds: ["1.2.3.4^ext"] });
  });

  it("blacklisting beats the trust circle, the referring doctor and emergency", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    await consent.call("PUT", patientPath(patientId, "trust-circle/dr-x"), patient);
    await consent.call("PUT", patientPath(patientId, "referring-doctor"), patient, { professionalId: "dr-x" });
    await consent.call("PUT", patientPath(patientId, "blacklist/dr-x"), patient);
    expect(await decide({ kind: "professional", id: "dr-x" }, patientId, "read")).toMatchObject({ decision: "deny", reason: "blacklisted" });
    expect(await decide({ ...emergency, id: "dr-x" }, patientId, "read")).toMatchObject({ decision: "deny", reason: "blacklisted", emergency: false });
  });

  it("an emergency permit is flagged and shown to the patient in access grants; a refusal stops emergency access", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    expect(await decide(emergency, patientId, "read")).toMatchObject({ decision: "permit", basis: "emergency", emergency: true });
    expect(await decide(emergency, patientId, "publish")).toMatchObject({ decision: "deny", reason: "no-relationship" });
    const grants = (await consent.call("GET", patientPath(patientId, "access-grants"), patient)).json<{ emergencyAccesses: unknown[] }>();
    expect(grants.emergencyAccesses).toEqual([{ professionalId: "dr-er", organizationId: "chl", action: "read", accessedAt: consent.clock.now.toISOString() }]);

    await consent.call("PUT", patientPath(patientId, "emergency-access"), patient, { refused: true });
    expect(await decide(emergency, patientId, "read")).toMatchObject({ decision: "deny", reason: "emergency-refused", emergency: false });
    expect((await consent.call("GET", patientPath(patientId, "access-grants"), patient)).json<{ emergencyAccesses: unknown[] }>().emergencyAccesses).toHaveLength(1);
  });

  it("refuses a malformed request with problem+json and a stable code", async () => {
    const bad = [
      { actor: { kind: "doctor", id: "x" }, patientId: freshPatient(), action: "read" },
      { actor: { kind: "professional", id: "x", extra: true }, patientId: freshPatient(), action: "read" },
      { actor: { kind: "professional", id: "x" }, patientId: "not-a-cx", action: "read" },
      { actor: { kind: "professional", id: "x" }, patientId: freshPatient(), action: "delete" },
    ];
    for (const body of bad) {
      const res = await consent.call("POST", "/api/consent/decisions", undefined, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ status: 400, code: "CONSENT_INVALID_REQUEST" });
    }
  });
});
