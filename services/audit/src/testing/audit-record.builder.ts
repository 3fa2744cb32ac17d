import { randomUUID } from "node:crypto";
import type { AuditRecord } from "@opendsp/atna";

export const TEST_PATIENT = "123456^^^&1.2.250.1.213.1.4.8&ISO";
export const OTHER_PATIENT = "654321^^^&1.2.250.1.213.1.4.8&ISO";

/** A valid ITI-18 record of a professional's query for TEST_PATIENT, with a fresh event id. */
export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    eventId: randomUUID(),
    occurredAt: "2026-12-05T13:45:12.345+01:00",
    transaction: "ITI-18",
    role: "registry",
    outcome: "success",
    auditSource: { id: "opendsp-registry", service: "registry" },
    requestor: { kind: "professional", id: "10001234567", name: "Alice Martin", roles: ["doctor"], organizationId: "1.2.250.1.71.4.2.2" },
    patientIds: [TEST_PATIENT],
    grant: { basis: "trust-circle", emergency: false },
    query: { storedQueryId: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d" },
    ...overrides,
  };
}
