import type { AuditRecord, AuditTransaction } from "@opendsp/atna";
import type { TransactionId } from "@opendsp/ebxml";
import type { Actor } from "@opendsp/platform";
import { randomUUID } from "node:crypto";
import type { EdgeRefusal } from "../edge/edge-step.js";

/** The transactions the gateway routes, as the audit record names them. */
const AUDITED: Partial<Record<TransactionId, AuditTransaction>> = { iti18: "ITI-18", iti41: "ITI-41", iti42: "ITI-42", iti43: "ITI-43" };

/** Bounds of the audit record's identifiers (packages/atna AuditRecordSchema): longer values are not identifiers. */
const MAX_ID = 256;
const MAX_PATIENTS = 64;
const MAX_REASON = 1024;

export interface EdgeRefusalAudit {
  readonly transaction: TransactionId;
  readonly refusal: EdgeRefusal;
  /** The edge step that refused; "xua" refusals are audited as ITI-40. */
  readonly step: string | undefined;
  /** Who asked, as far as the edge established it before refusing. */
  readonly requestor: Actor | undefined;
  readonly auditSourceId: string;
  readonly messageId: string | undefined;
  readonly clientAddress: string | undefined;
  readonly now?: Date;
}

/**
 * The audit record of a request the gateway refused, as the responder the client sees (role "gateway"): the
 * request's transaction with a serious failure (DICOM PS3.15 A.5.1 EventOutcomeIndicator 8: the action was
 * terminated), or ITI-40 with a minor failure when the XUA assertion was refused (an authentication failure, ITI TF-2b
 * 3.40.4.2; the user may try again with a valid one). The refusal code and reason go in `failure`; the request's
 * content never goes in the record. Undefined for a transaction the audit record cannot name.
 */
export function edgeRefusalRecord(audit: EdgeRefusalAudit): AuditRecord | undefined {
  const xua = audit.step === "xua";
  const transaction = xua ? "ITI-40" : AUDITED[audit.transaction];
  if (transaction === undefined) return undefined;
  const requestor = audit.requestor;
  const reason = audit.refusal.reason.slice(0, MAX_REASON);
  return {
    eventId: randomUUID(),
    occurredAt: (audit.now ?? new Date()).toISOString(),
    transaction,
    role: "gateway",
    outcome: xua ? "minor-failure" : "serious-failure",
    auditSource: { id: audit.auditSourceId, service: "gateway" },
    ...(requestor === undefined
      ? {}
      : {
          requestor: {
            kind: requestor.kind,
            id: requestor.id,
            ...(requestor.roles === undefined || requestor.roles.length === 0 ? {} : { roles: [...requestor.roles] }),
            ...(requestor.organizationId === undefined ? {} : { organizationId: requestor.organizationId }),
            ...(requestor.purposeOfUse === undefined ? {} : { purposeOfUse: requestor.purposeOfUse }),
          },
        }),
    ...(boundedId(audit.clientAddress) === undefined ? {} : { client: { networkAddress: audit.clientAddress as string } }),
    patientIds: (audit.refusal.patientIds ?? []).filter((id) => boundedId(id) !== undefined).slice(0, MAX_PATIENTS),
    ...(boundedId(audit.messageId) === undefined ? {} : { messageId: audit.messageId as string }),
    failure: { code: audit.refusal.code, reason: reason === "" ? audit.refusal.code : reason },
  };
}

function boundedId(value: string | undefined): string | undefined {
  return value === undefined || value.length === 0 || value.length > MAX_ID ? undefined : value;
}
