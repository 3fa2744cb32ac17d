import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";

/** One access to a patient's record as the patient is shown it: who, when, what, under which right, how it went. */
export interface AccessHistoryEntry {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly transaction: AuditRecord["transaction"];
  readonly outcome: AuditRecord["outcome"];
  readonly who: {
    readonly kind: string;
    readonly id: string;
    readonly name?: string;
    readonly organizationId?: string;
    readonly roles: readonly string[];
  } | null;
  readonly grant: { readonly basis: string; readonly emergency: boolean } | null;
  readonly queryId?: string;
  readonly submissionSetUniqueId?: string;
  readonly documents: readonly { readonly uniqueId: string; readonly repositoryUniqueId?: string; readonly homeCommunityId?: string }[];
  /** The stable code of a failure (never its free text). */
  readonly failureCode?: string;
}

/** The entry of a stored record; the record was checked when stored and is checked again as it is read back. */
export function accessHistoryEntryOf(stored: unknown): AccessHistoryEntry {
  const r = parseAuditRecord(stored);
  const requestor = r.requestor;
  return {
    eventId: r.eventId,
    occurredAt: r.occurredAt,
    transaction: r.transaction,
    outcome: r.outcome,
    who:
      requestor === undefined
        ? null
        : {
            kind: requestor.kind,
            id: requestor.id,
            ...(requestor.name === undefined ? {} : { name: requestor.name }),
            ...(requestor.organizationId === undefined ? {} : { organizationId: requestor.organizationId }),
            roles: requestor.roles ?? [],
          },
    grant: r.grant === undefined ? null : { basis: r.grant.basis, emergency: r.grant.emergency },
    ...(r.query === undefined ? {} : { queryId: r.query.storedQueryId }),
    ...(r.submissionSetUniqueId === undefined ? {} : { submissionSetUniqueId: r.submissionSetUniqueId }),
    documents: r.documents ?? [],
    ...(r.failure === undefined ? {} : { failureCode: r.failure.code }),
  };
}
