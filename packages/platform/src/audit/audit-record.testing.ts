import type { AuditRecord } from "@opendsp/atna";
import { randomUUID } from "node:crypto";

/** A valid ITI-18 registry record with a fresh eventId. */
export function auditRecordForTest(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    transaction: "ITI-18",
    role: "registry",
    outcome: "success",
    auditSource: { id: "opendsp-registry", service: "registry" },
    patientIds: ["123456^^^&1.2.250.1.213.1.4.8&ISO"],
    query: { storedQueryId: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d" },
    ...overrides,
  };
}

/** A record the shared schema accepts in TypeScript but refuses at run time (role not taking part in ITI-41). */
export function roleMismatchRecord(): AuditRecord {
  const { query: _query, ...record } = auditRecordForTest({ transaction: "ITI-41", role: "registry" });
  return record;
}
