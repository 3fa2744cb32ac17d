import type { CodesConfig } from "@opendsp/ebxml";
import type { AdtMessage, IdentityTrigger } from "./adt-message.parser.js";
import { selectDomainPatientId } from "./affinity-patient-id.rules.js";
import { HL7_ERROR, feedError, type FeedError } from "./feed-result.types.js";

export interface MergeRequest {
  readonly survivingId: string;
  readonly subsumedId: string;
}

/** What an ITI-8 message asks of the registry, in the affinity domain's identifiers only. */
export type FeedCommand =
  | { readonly kind: "identity"; readonly trigger: IdentityTrigger; readonly patientId: string }
  | { readonly kind: "merge"; readonly merges: readonly MergeRequest[] };

export type FeedCommandResult = { readonly ok: true; readonly command: FeedCommand } | { readonly ok: false; readonly error: FeedError };

/**
 * Picks the affinity domain's identifier out of PID-3 (and MRG-1 for A40): ITI TF-2a 3.8.4.1.3 the Document Registry
 * keeps only the identifiers of the XDS affinity domain's assigning authority and ignores the others. A message
 * without one is understood but cannot be applied: AE, 204 unknown key identifier. Pure.
 */
export function toFeedCommand(message: AdtMessage, codes: CodesConfig | undefined): FeedCommandResult {
  const escape = message.header.delimiters.escape;
  if (message.kind === "identity") {
    const patientId = selectDomainPatientId(message.patient.patientIdentifierList, codes, escape);
    if (patientId === undefined) return { ok: false, error: noDomainId("PID", message.patient.sequence, 3) };
    return { ok: true, command: { kind: "identity", trigger: message.trigger, patientId } };
  }
  const merges: MergeRequest[] = [];
  for (const m of message.merges) {
    const survivingId = selectDomainPatientId(m.patientIdentifierList, codes, escape);
    if (survivingId === undefined) return { ok: false, error: noDomainId("PID", m.sequence, 3) };
    const subsumedId = selectDomainPatientId(m.priorPatientIdentifierList, codes, escape);
    if (subsumedId === undefined) return { ok: false, error: noDomainId("MRG", m.sequence, 1) };
    merges.push({ survivingId, subsumedId });
  }
  return { ok: true, command: { kind: "merge", merges } };
}

function noDomainId(segment: "PID" | "MRG", sequence: number, field: number): FeedError {
  const what = segment === "PID" ? "PID-3" : "MRG-1";
  return feedError("AE", HL7_ERROR.unknownKeyIdentifier, `${what} holds no identifier of an assigning authority of this affinity domain (id^^^&OID&ISO)`, {
    segment,
    sequence,
    field,
  });
}
