import type { AuditOutcome, AuditRecord } from "@opendsp/atna";
import { auditPatientIds, type AuditRequestContext } from "@opendsp/platform";
import { randomUUID } from "node:crypto";
import type { RepositoryConfig } from "../config.js";

/** What a repository transaction adds to the request's context: its outcome and the documents it concerned. */
export interface RepositoryAuditFields {
  readonly transaction: "ITI-41" | "ITI-43";
  readonly outcome: AuditOutcome;
  readonly patientIds: readonly (string | undefined)[];
  readonly documents: readonly { readonly uniqueId: string; readonly homeCommunityId?: string | undefined }[];
  readonly submissionSetUniqueId?: string | undefined;
  readonly failureCodes?: readonly string[];
}

/**
 * The repository's record of one request, as the "repository" role of ITI-41 (ITI TF-2b 3.41.5.1.2: the
 * Document Repository audits the import) and of ITI-43 (3.43.5.1.2: it audits the export, the consumer being the
 * destination). The request's context (who, from where) comes from WS-Addressing and the gateway's headers.
 */
export function repositoryAuditRecord(
  config: Pick<RepositoryConfig, "REPOSITORY_AUDIT_SOURCE_ID" | "REPOSITORY_UNIQUE_ID">,
  context: AuditRequestContext,
  fields: RepositoryAuditFields,
): AuditRecord {
  const codes = [...new Set(fields.failureCodes ?? [])];
  const submissionSetUniqueId = fields.submissionSetUniqueId;
  return {
    ...context,
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    transaction: fields.transaction,
    role: "repository",
    outcome: fields.outcome,
    auditSource: { id: config.REPOSITORY_AUDIT_SOURCE_ID, service: "repository" },
    patientIds: auditPatientIds(fields.patientIds),
    // Bounded as AuditRecordSchema requires, so an unusual request never makes its own record invalid.
    documents: fields.documents
      .filter((d) => d.uniqueId.length <= 256)
      .slice(0, 1000)
      .map((d) => ({
        uniqueId: d.uniqueId,
        repositoryUniqueId: config.REPOSITORY_UNIQUE_ID,
        ...(d.homeCommunityId === undefined || d.homeCommunityId.length > 256 ? {} : { homeCommunityId: d.homeCommunityId }),
      })),
    ...(submissionSetUniqueId === undefined || submissionSetUniqueId.length > 256 ? {} : { submissionSetUniqueId }),
    ...(codes.length === 0 ? {} : { failure: { code: (codes[0] ?? "").slice(0, 128), reason: codes.join(" ").slice(0, 1024) } }),
  };
}

/** DICOM outcome of a RegistryResponse status (ITI TF-3 4.2.4.2: PartialSuccess returned some of what was asked). */
export function outcomeOfStatus(status: string): AuditOutcome {
  if (status.endsWith(":Success")) return "success";
  if (status.endsWith(":PartialSuccess")) return "minor-failure";
  return "serious-failure";
}
