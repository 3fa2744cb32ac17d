import { parseAuditRecord } from "@opendsp/atna";
import { describe, expect, it } from "vitest";
import { edgeRefusalRecord, type EdgeRefusalAudit } from "./edge-refusal.audit.js";

const PATIENT = "P1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
const base: EdgeRefusalAudit = {
  transaction: "iti41",
  refusal: { code: "GW_RECORD_CLOSED", reason: "publish denied: record-closed", patientIds: [PATIENT] },
  step: "consent",
  requestor: { kind: "professional", id: "dr-1", roles: ["doctor"], organizationId: "1.2.3", purposeOfUse: "TREAT", patientId: PATIENT },
  auditSourceId: "opendsp-gateway",
  messageId: "urn:uuid:0b0c1f0e-4a8e-4c1e-9d3a-7f2b5c6d8e9f",
  clientAddress: "10.0.0.7",
  now: new Date("2026-12-06T10:00:00.000Z"),
};

describe("edgeRefusalRecord", () => {
  it("records a consent refusal as a serious failure of the request's transaction, by the gateway", () => {
    const record = parseAuditRecord(edgeRefusalRecord(base));
    expect(record).toMatchObject({
      transaction: "ITI-41",
      role: "gateway",
      outcome: "serious-failure",
      occurredAt: "2026-12-06T10:00:00.000Z",
      auditSource: { id: "opendsp-gateway", service: "gateway" },
      requestor: { kind: "professional", id: "dr-1", roles: ["doctor"], organizationId: "1.2.3", purposeOfUse: "TREAT" },
      client: { networkAddress: "10.0.0.7" },
      patientIds: [PATIENT],
      messageId: base.messageId,
      failure: { code: "GW_RECORD_CLOSED", reason: "publish denied: record-closed" },
    });
    expect(record.grant).toBeUndefined();
  });

  it("records a refused XUA assertion as ITI-40, a minor failure, with no requestor when nobody was authenticated", () => {
    const record = parseAuditRecord(edgeRefusalRecord({ ...base, transaction: "iti18", step: "xua", requestor: undefined, refusal: { code: "GW_XUA_EXPIRED", reason: "xua XUA_EXPIRED" } }));
    expect(record).toMatchObject({ transaction: "ITI-40", outcome: "minor-failure", patientIds: [], failure: { code: "GW_XUA_EXPIRED" } });
    expect(record.requestor).toBeUndefined();
  });

  it("leaves out values the record cannot hold rather than producing an invalid record", () => {
    const long = "x".repeat(300);
    const record = parseAuditRecord(
      edgeRefusalRecord({ ...base, messageId: long, clientAddress: "", refusal: { code: "GW_CONSENT_DENIED", reason: "r".repeat(2000), patientIds: [long, ...Array.from({ length: 70 }, (_, i) => `P${i}`)] } }),
    );
    expect(record.messageId).toBeUndefined();
    expect(record.client).toBeUndefined();
    expect(record.patientIds).toHaveLength(64);
    expect(record.patientIds).not.toContain(long);
    expect(record.failure?.reason).toHaveLength(1024);
  });

  it("gives each record its own event id, and none for a transaction the audit record cannot name", () => {
    const a = edgeRefusalRecord(base);
    const b = edgeRefusalRecord(base);
    expect(a?.eventId).not.toBe(b?.eventId);
    expect(edgeRefusalRecord({ ...base, transaction: "iti57" })).toBeUndefined();
  });
});
