import { describe, expect, it } from "vitest";
import { AtnaError } from "./atna-error.js";
import { parseAuditRecord, type AuditRecord } from "./audit-record.js";
import { TRANSACTION_ROLES, sampleRecord } from "./audit-record.testing.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AtnaError ? e.code : "not an AtnaError";
  }
  return undefined;
}

describe("parseAuditRecord", () => {
  it("accepts a complete record of every transaction and role, and survives a JSON round trip", () => {
    for (const [transaction, roles] of Object.entries(TRANSACTION_ROLES)) {
      for (const role of roles) {
        const record = sampleRecord(transaction as AuditRecord["transaction"], role);
        expect(parseAuditRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
      }
    }
  });

  it("accepts the smallest record", () => {
    const minimal = {
      eventId: "6f1d1c2e-0a55-4f7a-9b61-0d6a1f0d2c3b",
      occurredAt: "2026-12-05T13:45:12Z",
      transaction: "ITI-18",
      role: "registry",
      outcome: "success",
      auditSource: { id: "opendsp-registry", service: "registry" },
      patientIds: [],
    };
    expect(parseAuditRecord(minimal)).toEqual(minimal);
  });

  it("refuses unknown fields at the top and inside nested objects", () => {
    const record = sampleRecord("ITI-18", "registry");
    expect(codeOf(() => parseAuditRecord({ ...record, patientName: "Jean Dupont" }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, auditSource: { ...record.auditSource, host: "x" } }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, requestor: { kind: "professional", id: "a", ssn: "1" } }))).toBe("ATNA_RECORD_INVALID");
  });

  it("refuses a bad UUID, a date without offset, an unknown transaction and oversized strings", () => {
    const record = sampleRecord("ITI-43", "repository");
    expect(codeOf(() => parseAuditRecord({ ...record, eventId: "not-a-uuid" }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, eventId: "0b0c1f0e4a8e4c1e9d3a7f2b5c6d8e9f" }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, occurredAt: "2026-12-05T13:45:12" }))).toBe("ATNA_RECORD_INVALID");
    for (const unreal of ["2026-13-05T13:45:12Z", "2026-02-29T13:45:12Z", "2026-04-31T00:00:00Z", "2026-12-05T24:00:00Z", "2026-12-05T13:60:12Z", "2026-12-05T13:45:12+15:00"]) {
      expect(codeOf(() => parseAuditRecord({ ...record, occurredAt: unreal })), unreal).toBe("ATNA_RECORD_INVALID");
    }
    for (const real of ["2028-02-29T13:45:12Z", "2026-12-31T23:59:59.123+01:00", "2026-01-01T00:00:00-05:00"]) {
      expect(parseAuditRecord({ ...record, occurredAt: real }).occurredAt).toBe(real);
    }
    expect(codeOf(() => parseAuditRecord({ ...record, transaction: "ITI-99" }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, patientIds: ["x".repeat(257)] }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord({ ...record, query: { storedQueryId: "q", requestBase64: "not base64!" } }))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord(null))).toBe("ATNA_RECORD_INVALID");
    expect(codeOf(() => parseAuditRecord("{}"))).toBe("ATNA_RECORD_INVALID");
  });

  it("refuses a role that takes no part in the transaction", () => {
    expect(codeOf(() => parseAuditRecord(sampleRecord("ITI-18", "repository")))).toBe("ATNA_RECORD_ROLE");
    expect(codeOf(() => parseAuditRecord(sampleRecord("ITI-41", "registry")))).toBe("ATNA_RECORD_ROLE");
    expect(codeOf(() => parseAuditRecord(sampleRecord("ITI-40", "registry")))).toBe("ATNA_RECORD_ROLE");
    expect(codeOf(() => parseAuditRecord(sampleRecord("ITI-8", "consumer")))).toBe("ATNA_RECORD_ROLE");
  });
});
