import type { AuditOutcome, AuditRecord } from "@opendsp/atna";
import { auditPatientIds, type AuditRequestContext } from "@opendsp/platform";
import { randomUUID } from "node:crypto";
import type { RegistryConfig } from "../config.js";

/** What a registry transaction adds to the request's context: its own outcome and objects. */
export type RegistryAuditFields = Omit<AuditRecord, "eventId" | "occurredAt" | "role" | "auditSource" | "outcome" | "patientIds" | "submissionSetUniqueId" | keyof AuditRequestContext> & {
  readonly outcome: AuditOutcome;
  readonly submissionSetUniqueId?: string | undefined;
  readonly patientIds: readonly (string | undefined)[];
};

/**
 * Builds the registry's records for one request: the request's context (who, from where) once, then one record per
 * audited event. The registry records as the "registry" role of ITI-8, ITI-18 and ITI-42 (ITI TF-2 3.8.5.1,
 * 3.18.5.1.2, 3.42.5.1.2).
 */
export interface RegistryAuditor {
  record(fields: RegistryAuditFields): AuditRecord;
}

export function registryAuditor(config: Pick<RegistryConfig, "REGISTRY_AUDIT_SOURCE_ID">, context: AuditRequestContext): RegistryAuditor {
  return {
    record(fields) {
      const { documents, submissionSetUniqueId, ...rest } = fields;
      // Bounded as AuditRecordSchema requires, so an unusual request never makes its own record invalid.
      const kept = documents?.filter((d) => d.uniqueId.length <= 256).slice(0, 1000);
      return {
        ...context,
        ...rest,
        ...(kept === undefined ? {} : { documents: kept }),
        ...(submissionSetUniqueId === undefined || submissionSetUniqueId.length > 256 ? {} : { submissionSetUniqueId }),
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        role: "registry",
        auditSource: { id: config.REGISTRY_AUDIT_SOURCE_ID, service: "registry" },
        patientIds: auditPatientIds(fields.patientIds),
      };
    },
  };
}

/** A failure record's reason: the distinct error codes, never text that could hold patient data. */
export function failureOf(codes: readonly string[]): NonNullable<AuditRecord["failure"]> {
  const distinct = [...new Set(codes)];
  return { code: (distinct[0] ?? "REG_REFUSED").slice(0, 128), reason: distinct.join(" ").slice(0, 1024) || "refused" };
}
