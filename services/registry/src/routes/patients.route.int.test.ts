import { encodeActorHeader } from "@opendsp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IHERED_CODES, domainId } from "../patient-feed/adt-message.fixtures.js";
import { insertEntriesFor } from "../patient-feed/patient-entries.testing.js";
import { findPatient } from "../storage/patient.repository.js";
import { auditRecordsIn } from "../testing/audit-records.js";
import { DATABASE_KINDS, startRegistry, type RegistryUnderTest } from "../testing/registry-harness.js";

let counter = 0;
const freshId = (): string => domainId(`J${Date.now()}-${process.pid}-${++counter}`);
const url = (patientId: string): string => `/api/patients/${encodeURIComponent(patientId)}`;

describe.each(DATABASE_KINDS)("patient admin API /api/patients on %s", (kind) => {
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    registry = await startRegistry(kind, { codes: IHERED_CODES });
  });
  afterAll(async () => {
    await registry.close();
  });

  function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, type: string): void {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ type, status });
    expect(Object.keys(body).sort()).toEqual(["detail", "status", "title", "type"]);
    expect([typeof body["title"], typeof body["detail"]]).toEqual(["string", "string"]);
  }

  async function adminAudit(patientId: string) {
    return (await auditRecordsIn(registry.db)).filter((r) => r.transaction === "ITI-8" && r.patientIds[0] === patientId);
  }

  it("PUT adds a patient (201), then updates it (200); each change has an audit row", async () => {
    const id = freshId();
    const created = await registry.app.inject({
      method: "PUT",
      url: url(id),
      headers: { "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "10001234567", roles: ["admin"] }) },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ patientId: id, status: "active", mergedInto: null });
    const updated = await registry.app.inject({ method: "PUT", url: url(id) });
    expect(updated.statusCode).toBe(200);
    expect(await findPatient(registry.db, id)).toMatchObject({ status: "active" });
    const audit = await adminAudit(id);
    expect(audit.map((a) => [a.outcome, a.feedAction])).toEqual([
      ["success", "create"],
      ["success", "update"],
    ]);
    expect(audit[0]).toMatchObject({ role: "registry", requestor: { kind: "professional", id: "10001234567", roles: ["admin"] }, destination: { endpoint: expect.stringContaining("/api/patients/") as unknown } });
  });

  it("PUT refuses an id that is not a CX of the affinity domain (400 problem+json)", async () => {
    for (const bad of ["P1^^^&9.9.9&ISO", "P1^^^IHERED", "not a cx", "P1^^^&1.3.6.1.4.1.21367.13.20.1000&DNS"]) {
      expectProblem(await registry.app.inject({ method: "PUT", url: url(bad) }), 400, "urn:opendsp:problem:invalid-patient-id");
    }
  });

  it("GET answers the status (200) or 404, and 400 for a malformed id", async () => {
    const id = freshId();
    expectProblem(await registry.app.inject({ method: "GET", url: url(id) }), 404, "urn:opendsp:problem:unknown-patient");
    await registry.app.inject({ method: "PUT", url: url(id) });
    const res = await registry.app.inject({ method: "GET", url: url(id) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ patientId: id, status: "active", mergedInto: null });
    expectProblem(await registry.app.inject({ method: "GET", url: url("nope") }), 400, "urn:opendsp:problem:invalid-patient-id");
  });

  it("POST /merge re-assigns the subsumed patient's entries and answers the counts", async () => {
    const surviving = freshId();
    const subsumed = freshId();
    await registry.app.inject({ method: "PUT", url: url(surviving) });
    await registry.app.inject({ method: "PUT", url: url(subsumed) });
    const entries = await insertEntriesFor(registry.db, subsumed);
    await insertEntriesFor(registry.db, subsumed);

    const res = await registry.app.inject({ method: "POST", url: "/api/patients/merge", payload: { survivingId: surviving, subsumedId: subsumed } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      survivingId: surviving,
      subsumedId: subsumed,
      survivingCreated: false,
      alreadyMerged: false,
      reassigned: { documentEntries: 2, submissionSets: 2, folders: 2 },
    });
    const doc = await registry.db.selectFrom("document_entry").select(["patient_id", "metadata"]).where("entry_uuid", "=", entries.documentEntryUuid).executeTakeFirstOrThrow();
    expect([doc.patient_id, (doc.metadata as { patientId: string }).patientId]).toEqual([surviving, surviving]);
    const merged = await registry.app.inject({ method: "GET", url: url(subsumed) });
    expect(merged.json()).toEqual({ patientId: subsumed, status: "merged", mergedInto: surviving });
    const audit = await adminAudit(surviving);
    expect(audit.at(-1)).toMatchObject({ outcome: "success", feedAction: "update", patientIds: [surviving, subsumed] });

    // A repeated merge is harmless; a PUT of the subsumed id re-activates it on purpose (its entries stay moved).
    expect((await registry.app.inject({ method: "POST", url: "/api/patients/merge", payload: { survivingId: surviving, subsumedId: subsumed } })).json()).toMatchObject({
      alreadyMerged: true,
      reassigned: { documentEntries: 0, submissionSets: 0, folders: 0 },
    });
    const reactivated = await registry.app.inject({ method: "PUT", url: url(subsumed) });
    expect(reactivated.statusCode).toBe(200);
    expect(reactivated.json()).toEqual({ patientId: subsumed, status: "active", mergedInto: null });
    expect(await registry.db.selectFrom("document_entry").select("patient_id").where("entry_uuid", "=", entries.documentEntryUuid).executeTakeFirstOrThrow()).toEqual({ patient_id: surviving });
  });

  it("POST /merge errors: 409 into itself, 404 unknown subsumed, 400 malformed ids or body, 409 into a merged id", async () => {
    const a = freshId();
    const b = freshId();
    await registry.app.inject({ method: "PUT", url: url(a) });
    const merge = (payload: unknown) => registry.app.inject({ method: "POST", url: "/api/patients/merge", payload: payload as Record<string, unknown> });

    expectProblem(await merge({ survivingId: a, subsumedId: a }), 409, "urn:opendsp:problem:merge-conflict");
    expectProblem(await merge({ survivingId: a, subsumedId: b }), 404, "urn:opendsp:problem:unknown-patient");
    expectProblem(await merge({ survivingId: a, subsumedId: "P1^^^&9.9.9&ISO" }), 400, "urn:opendsp:problem:invalid-patient-id");
    expectProblem(await merge({ survivingId: "x", subsumedId: a }), 400, "urn:opendsp:problem:invalid-patient-id");
    expectProblem(await merge({ survivingId: a }), 400, "urn:opendsp:problem:invalid-request");
    expectProblem(await merge({ survivingId: a, subsumedId: { id: 7 } }), 400, "urn:opendsp:problem:invalid-request");
    const notJson = await registry.app.inject({ method: "POST", url: "/api/patients/merge", headers: { "content-type": "application/json" }, payload: "{" });
    expectProblem(notJson, 400, "urn:opendsp:problem:invalid-request");

    // b merged into a; then merging c into b (itself merged) is a conflict, as is merging b into another id.
    await registry.app.inject({ method: "PUT", url: url(b) });
    expect((await merge({ survivingId: a, subsumedId: b })).statusCode).toBe(200);
    const c = freshId();
    await registry.app.inject({ method: "PUT", url: url(c) });
    expectProblem(await merge({ survivingId: b, subsumedId: c }), 409, "urn:opendsp:problem:merge-conflict");
    expectProblem(await merge({ survivingId: c, subsumedId: b }), 409, "urn:opendsp:problem:merge-conflict");
    expect(await findPatient(registry.db, c)).toMatchObject({ status: "active" });

    const failures = (await auditRecordsIn(registry.db)).filter((r) => r.transaction === "ITI-8" && r.outcome === "serious-failure");
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it("creates an unknown surviving id on merge", async () => {
    const surviving = freshId();
    const subsumed = freshId();
    await registry.app.inject({ method: "PUT", url: url(subsumed) });
    const res = await registry.app.inject({ method: "POST", url: "/api/patients/merge", payload: { survivingId: surviving, subsumedId: subsumed } });
    expect(res.json()).toMatchObject({ survivingCreated: true });
    expect(await findPatient(registry.db, surviving)).toMatchObject({ status: "active" });
  });
});
