import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { DATABASE_KINDS, patientPath, startConsent, type ConsentUnderTest } from "../testing/consent-harness.js";

let counter = 0;
function freshPatient(): string {
  counter += 1;
  return `R${Date.now().toString(36)}${counter}^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO`;
}

describe.each(DATABASE_KINDS)("the patient-facing consent API on %s", (kind) => {
  let consent: ConsentUnderTest;
  beforeAll(async () => {
    consent = await startConsent(kind);
  });
  afterAll(async () => {
    await consent.close();
  });

  async function ok(method: "GET" | "PUT" | "POST" | "DELETE", url: string, actor: Actor, body?: unknown): Promise<Record<string, unknown>> {
    const res = await consent.call(method, url, actor, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  }

  it("trust circle and blacklist: list, add, add again without a change, remove, remove again is 404", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    for (const list of ["trust-circle", "blacklist"]) {
      expect(await ok("GET", patientPath(patientId, list), patient)).toMatchObject({ items: [] });
      const added = await ok("PUT", patientPath(patientId, `${list}/dr-a`), patient);
      expect(added).toMatchObject({ changed: true });
      expect(await ok("PUT", patientPath(patientId, `${list}/dr-a`), patient)).toEqual({ changed: false, rulesVersion: added["rulesVersion"] });
      await ok("PUT", patientPath(patientId, `${list}/dr-b`), patient);
      const listed = await ok("GET", patientPath(patientId, list), patient);
      expect((listed["items"] as { professionalId: string; addedAt: string }[]).map((i) => i.professionalId)).toEqual(["dr-a", "dr-b"]);
      expect(listed["items"]).toContainEqual({ professionalId: "dr-a", addedAt: consent.clock.now.toISOString() });
      await ok("DELETE", patientPath(patientId, `${list}/dr-a`), patient);
      const missing = await consent.call("DELETE", patientPath(patientId, `${list}/dr-a`), patient);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: "CONSENT_NOT_FOUND" });
      expect((await ok("GET", patientPath(patientId, list), patient))["items"]).toHaveLength(1);
    }
  });

  it("referring doctor: none, declared, changed, removed", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    expect(await ok("GET", patientPath(patientId, "referring-doctor"), patient)).toEqual({ rulesVersion: 0, professionalId: null });
    await ok("PUT", patientPath(patientId, "referring-doctor"), patient, { professionalId: "dr-one" });
    await ok("PUT", patientPath(patientId, "referring-doctor"), patient, { professionalId: "dr-two" });
    expect(await ok("GET", patientPath(patientId, "referring-doctor"), patient)).toEqual({ rulesVersion: 2, professionalId: "dr-two" });
    await ok("DELETE", patientPath(patientId, "referring-doctor"), patient);
    expect(await ok("GET", patientPath(patientId, "referring-doctor"), patient)).toEqual({ rulesVersion: 3, professionalId: null });
    expect((await consent.call("DELETE", patientPath(patientId, "referring-doctor"), patient)).statusCode).toBe(404);
    expect((await consent.call("PUT", patientPath(patientId, "referring-doctor"), patient, { professionalId: "" })).json()).toMatchObject({ status: 400, code: "CONSENT_INVALID_REQUEST" });
  });

  it("emergency access: allowed by default, refused, allowed again", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    expect(await ok("GET", patientPath(patientId, "emergency-access"), patient)).toEqual({ rulesVersion: 0, refused: false });
    await ok("PUT", patientPath(patientId, "emergency-access"), patient, { refused: true });
    expect(await ok("GET", patientPath(patientId, "emergency-access"), patient)).toEqual({ rulesVersion: 1, refused: true });
    expect((await consent.call("PUT", patientPath(patientId, "emergency-access"), patient, { refused: "yes" })).statusCode).toBe(400);
    expect((await consent.call("PUT", patientPath(patientId, "emergency-access"), patient, { refused: false, extra: 1 })).statusCode).toBe(400);
  });

  it("masked documents: mask, list, unmask", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    await ok("PUT", patientPath(patientId, "masked-documents/1.2.250.1.999.1"), patient);
    expect((await ok("GET", patientPath(patientId, "masked-documents"), patient))["items"]).toEqual([{ documentUniqueId: "1.2.250.1.999.1", maskedAt: consent.clock.now.toISOString() }]);
    await ok("DELETE", patientPath(patientId, "masked-documents/1.2.250.1.999.1"), patient);
    expect((await ok("GET", patientPath(patientId, "masked-documents"), patient))["items"]).toEqual([]);
  });

  it("representatives: added with rights, changed, removed; a representative acts within its rights only", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    const manager: Actor = { kind: "representative", id: "rep-manage" };
    const reader: Actor = { kind: "representative", id: "rep-read" };
    await ok("PUT", patientPath(patientId, "representatives/rep-manage"), patient, { rights: ["manage", "read"], relation: "legal-representative" });
    await ok("PUT", patientPath(patientId, "representatives/rep-read"), patient, { rights: ["read"], relation: "companion" });
    expect((await ok("GET", patientPath(patientId, "representatives"), patient))["items"]).toEqual([
      { personId: "rep-manage", rights: ["read", "manage"], relation: "legal-representative" },
      { personId: "rep-read", rights: ["read"], relation: "companion" },
    ]);

    // The manager changes rules for the patient; the change log names the manager.
    await ok("PUT", patientPath(patientId, "trust-circle/dr-a"), manager);
    // A representative with read sees the rules and cannot change them.
    expect(await ok("GET", patientPath(patientId, "trust-circle"), reader)).toMatchObject({ items: [{ professionalId: "dr-a" }] });
    for (const [method, path, body] of [
      ["PUT", "trust-circle/dr-b", undefined],
      ["PUT", "emergency-access", { refused: true }],
      ["POST", "presence-codes", undefined],
      ["POST", "record/close", undefined],
      ["PUT", "representatives/rep-read", { rights: ["read", "manage"] }],
    ] as const) {
      const res = await consent.call(method, patientPath(patientId, path), reader, body);
      expect(res.statusCode, `${method} ${path}`).toBe(403);
      expect(res.json()).toMatchObject({ code: "CONSENT_FORBIDDEN" });
    }
    // Taking the read right away leaves a companion with no right at all: it sees nothing either.
    await ok("PUT", patientPath(patientId, "representatives/rep-read"), patient, { rights: [] });
    expect((await consent.call("GET", patientPath(patientId, "trust-circle"), reader)).statusCode).toBe(403);
    await ok("DELETE", patientPath(patientId, "representatives/rep-manage"), patient);
    expect((await consent.call("PUT", patientPath(patientId, "trust-circle/dr-c"), manager)).statusCode).toBe(403);
    expect((await consent.call("DELETE", patientPath(patientId, "representatives/rep-manage"), patient)).statusCode).toBe(404);
  });

  it("record: open, closed, reopened; closing twice or reopening an open record is a conflict", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    expect(await ok("GET", patientPath(patientId, "record"), patient)).toEqual({ rulesVersion: 0, state: "open" });
    expect((await consent.call("POST", patientPath(patientId, "record/reopen"), patient)).json()).toMatchObject({ status: 409, code: "CONSENT_RECORD_STATE_CONFLICT" });
    expect(await ok("POST", patientPath(patientId, "record/close"), patient)).toEqual({ rulesVersion: 1, state: "closed" });
    expect((await consent.call("POST", patientPath(patientId, "record/close"), patient)).statusCode).toBe(409);
    expect(await ok("POST", patientPath(patientId, "record/reopen"), patient)).toEqual({ rulesVersion: 2, state: "reopened" });
    expect(await ok("GET", patientPath(patientId, "record"), patient)).toEqual({ rulesVersion: 2, state: "reopened" });
  });

  it("records every change with who, what and when, newest first, paged; the rules version rises with each", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    const versions: number[] = [];
    versions.push((await ok("PUT", patientPath(patientId, "trust-circle/dr-a"), patient))["rulesVersion"] as number);
    consent.advance(60);
    versions.push((await ok("PUT", patientPath(patientId, "blacklist/dr-z"), patient))["rulesVersion"] as number);
    versions.push((await ok("PUT", patientPath(patientId, "representatives/rep-1"), patient, { rights: ["manage"] }))["rulesVersion"] as number);
    versions.push((await ok("PUT", patientPath(patientId, "masked-documents/1.2.3"), { kind: "representative", id: "rep-1" }))["rulesVersion"] as number);
    versions.push((await ok("POST", patientPath(patientId, "presence-codes"), patient))["rulesVersion"] as number);
    versions.push((await ok("POST", patientPath(patientId, "record/close"), patient))["rulesVersion"] as number);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);

    const first = await ok("GET", `${patientPath(patientId, "changes")}?limit=4`, patient);
    expect(first["nextOffset"]).toBe(4);
    const items = first["items"] as { rulesVersion: number; change: string; actor: unknown; changedAt: string; detail: Record<string, unknown> }[];
    expect(items.map((c) => [c.rulesVersion, c.change])).toEqual([
      [6, "record.closed"],
      [5, "presence-code.issued"],
      [4, "masked-document.added"],
      [3, "representative.set"],
    ]);
    expect(items[2]).toMatchObject({ actor: { kind: "representative", id: "rep-1" }, detail: { documentUniqueId: "1.2.3" } });
    const second = await ok("GET", `${patientPath(patientId, "changes")}?limit=4&offset=4`, patient);
    expect(second["nextOffset"]).toBeNull();
    expect(second["items"]).toEqual([
      { rulesVersion: 2, change: "blacklist.added", actor: { kind: "patient", id: patientId }, changedAt: consent.clock.now.toISOString(), detail: { professionalId: "dr-z" } },
      { rulesVersion: 1, change: "trust-circle.added", actor: { kind: "patient", id: patientId }, changedAt: new Date(consent.clock.now.getTime() - 60_000).toISOString(), detail: { professionalId: "dr-a" } },
    ]);
    expect((await consent.call("GET", `${patientPath(patientId, "changes")}?limit=0`, patient)).statusCode).toBe(400);

    // Every decision carries the version, so a cached decision shows it is stale.
    const decision = await consent.call("POST", "/api/consent/decisions", undefined, { actor: patient, patientId, action: "read" });
    expect(decision.json()).toMatchObject({ rulesVersion: 6 });
  });

  it("refuses another patient, professionals and systems with 403, and a missing or malformed actor with 401", async () => {
    const patientId = freshPatient();
    const url = patientPath(patientId, "trust-circle");
    for (const actor of [{ kind: "patient", id: freshPatient() }, { kind: "professional", id: "dr-a" }, { kind: "system", id: "lab" }, { kind: "representative", id: "stranger" }] as Actor[]) {
      for (const [method, path] of [["GET", url], ["PUT", `${url}/dr-b`]] as const) {
        const res = await consent.call(method, path, actor);
        expect(res.statusCode, `${actor.kind} ${method}`).toBe(403);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        expect(res.json()).toMatchObject({ status: 403, code: "CONSENT_FORBIDDEN", type: "urn:opendsp:problem:consent-forbidden" });
      }
    }
    expect((await consent.call("GET", url)).json()).toMatchObject({ status: 401, code: "CONSENT_ACTOR_MISSING" });
    const malformed = [
      "not base64!",
      Buffer.from("not json").toString("base64url"),
      Buffer.from(JSON.stringify({ kind: "patient" })).toString("base64url"),
      Buffer.from(JSON.stringify({ kind: "admin", id: patientId })).toString("base64url"),
      Buffer.from(JSON.stringify({ kind: "patient", id: patientId, isAdmin: true })).toString("base64url"),
      Buffer.from(JSON.stringify([{ kind: "patient", id: patientId }])).toString("base64url"),
    ];
    for (const header of malformed) {
      const res = await consent.app.inject({ method: "GET", url, headers: { "x-opendsp-actor": header } });
      expect(res.statusCode, header).toBe(401);
      expect(res.json()).toMatchObject({ code: "CONSENT_ACTOR_INVALID" });
    }
    // Nothing was written by the refused requests.
    expect((await ok("GET", url, { kind: "patient", id: patientId }))).toEqual({ rulesVersion: 0, items: [] });
  });

  it("refuses a path that does not hold a CX patient id", async () => {
    const res = await consent.call("GET", "/api/consent/patients/not-a-patient/trust-circle", { kind: "patient", id: "not-a-patient" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "CONSENT_INVALID_PATIENT_ID" });
  });

  it("answers /health", async () => {
    const res = await consent.app.inject({ method: "GET", url: "/health" });
    expect(res.json()).toEqual({ status: "ok", database: "ok" });
  });
});
