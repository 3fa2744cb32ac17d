import { toFhirAuditEvent } from "@opendsp/atna";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@opendsp/platform";
import { storeAuditRecords } from "../domain/audit-store.service.js";
import { auditRecord, OTHER_PATIENT, TEST_PATIENT } from "../testing/audit-record.builder.js";
import { DATABASE_KINDS, startAudit, type AuditUnderTest } from "../testing/audit-harness.js";

const PATIENT: Actor = { kind: "patient", id: TEST_PATIENT };
const AUDITOR: Actor = { kind: "system", id: "siem", roles: ["auditor"] };

interface Bundle {
  resourceType: string;
  type: string;
  total: number;
  link: { relation: string; url: string }[];
  entry: { fullUrl: string; resource: { id: string }; search: { mode: string } }[];
}

describe.each(DATABASE_KINDS)("GET /fhir/AuditEvent (ITI-81) on %s", (kind) => {
  let audit: AuditUnderTest;
  const early = auditRecord({ occurredAt: "2026-11-30T23:00:00Z" });
  const middle = auditRecord({ occurredAt: "2026-12-02T10:00:00Z", outcome: "major-failure", failure: { code: "XDSRegistryError", reason: "down" } });
  const late = auditRecord({ occurredAt: "2026-12-04T10:00:00Z", transaction: "ITI-43", role: "repository", documents: [{ uniqueId: "1.2.3" }] });
  const other = auditRecord({ occurredAt: "2026-12-03T10:00:00Z", patientIds: [OTHER_PATIENT] });
  const search = (query: string, actor: Actor = PATIENT) => audit.call("GET", `/fhir/AuditEvent?${query}`, actor);
  const patient = `patient=${encodeURIComponent(TEST_PATIENT)}`;

  beforeAll(async () => {
    audit = await startAudit(kind);
    await storeAuditRecords(audit.db, [early, middle, late, other], new Date());
  });
  afterAll(async () => {
    await audit.close();
  });

  it("answers a searchset Bundle of the patient's AuditEvents, newest first", async () => {
    const res = await search(patient);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("application/fhir+json");
    const bundle = res.json<Bundle>();
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 3 });
    expect(bundle.entry.map((e) => e.resource)).toEqual([late, middle, early].map((r) => toFhirAuditEvent(r)));
    expect(bundle.entry[0]).toMatchObject({ fullUrl: `urn:uuid:${late.eventId}`, search: { mode: "match" } });
    expect(bundle.link[0]?.relation).toBe("self");
  });

  it("filters by date (ge, le, gt, lt, a day), outcome and subtype, and pages with a next link", async () => {
    const ids = async (query: string): Promise<string[]> => (await search(`${patient}&${query}`)).json<Bundle>().entry.map((e) => e.resource.id);
    expect(await ids("date=ge2026-12-01&date=le2026-12-03")).toEqual([middle.eventId]);
    expect(await ids("date=gt2026-12-02")).toEqual([late.eventId]);
    expect(await ids("date=lt2026-12-01T00:00:00Z")).toEqual([early.eventId]);
    expect(await ids("date=2026-12-02")).toEqual([middle.eventId]);
    expect(await ids("date=2026-12")).toEqual([late.eventId, middle.eventId]);
    expect(await ids("outcome=12")).toEqual([middle.eventId]);
    expect(await ids("subtype=urn:ihe:event-type-code|ITI-43")).toEqual([late.eventId]);

    const first = (await search(`${patient}&_count=2`)).json<Bundle>();
    expect(first.total).toBe(3);
    const next = first.link.find((l) => l.relation === "next");
    expect(next).toBeDefined();
    const nextUrl = new URL(next?.url ?? "");
    const second = (await audit.call("GET", `${nextUrl.pathname}${nextUrl.search}`, PATIENT)).json<Bundle>();
    expect(second.entry.map((e) => e.resource.id)).toEqual([early.eventId]);
    expect(second.link.some((l) => l.relation === "next")).toBe(false);
  });

  it("applies the access history's rules and answers refusals as OperationOutcome", async () => {
    const forbidden = await search(`patient=${encodeURIComponent(OTHER_PATIENT)}`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "forbidden", details: { text: "AUDIT_FORBIDDEN" } }] });
    expect((await search("")).statusCode).toBe(403);
    expect((await audit.call("GET", `/fhir/AuditEvent?${patient}`)).statusCode).toBe(401);
    const bad = await search(`${patient}&date=sa2026`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ issue: [{ code: "invalid", details: { text: "AUDIT_INVALID_REQUEST" } }] });
    expect((await search(`${patient}&outcome=3`)).statusCode).toBe(400);
    expect((await search(`${patient}&unknown=1`)).statusCode).toBe(400);
    const all = (await search("", AUDITOR)).json<Bundle>();
    expect(all.total).toBe(4);
  });
});
