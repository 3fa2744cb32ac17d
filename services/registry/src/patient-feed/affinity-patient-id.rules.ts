import { checkPatientAssigningAuthority, isCxPatientId, type CodesConfig } from "@opendsp/ebxml";

/** One CX (HL7 v2.3.1 ch. 2.8.12 "extended composite ID with check digit") repetition, as received. */
export interface CxValue {
  /** CX.1, the identifier, still HL7-escaped. */
  readonly id: string;
  /** CX.4, the assigning authority (HD: namespace ID & universal ID & universal ID type), split on subcomponents. */
  readonly assigningAuthority: readonly string[];
}

/**
 * The XDS form of a patient identifier, `id^^^&OID&ISO` (ITI TF-3 4.2.3.2.16 XDSDocumentEntry.patientId: only CX.1
 * and CX.4, the authority given by its ISO OID), or undefined when the repetition cannot be one: no id, no
 * `&OID&ISO` authority, or an id holding the escape character (an HL7 escape sequence stands for a delimiter or a
 * formatting command, neither of which an XDS patient id may contain). The HD namespace ID (CX.4.1, e.g. "IHERED")
 * and the components after CX.4 (identifier type code "PI"...) are dropped: XDS compares ids as strings and its
 * form leaves them empty.
 */
export function toXdsPatientId(cx: CxValue, escapeCharacter: string): string | undefined {
  const id = cx.id.trim();
  if (id === "" || id.includes(escapeCharacter)) return undefined;
  const universalId = (cx.assigningAuthority[1] ?? "").trim();
  const universalIdType = (cx.assigningAuthority[2] ?? "").trim().toUpperCase();
  if (universalIdType !== "ISO") return undefined;
  const patientId = `${id}^^^&${universalId}&ISO`;
  return isCxPatientId(patientId) ? patientId : undefined;
}

/**
 * Whether the registry accepts this patient id: a well-formed XDS CX whose assigning authority is one of the
 * affinity domain's (ITI TF-2a 3.8.4.1.3: the registry keeps only identifiers of the XDS affinity domain). In an open
 * domain (no codes config) and in a configuration listing no AssigningAuthority, any `&OID&ISO` authority is accepted.
 */
export function isDomainPatientId(patientId: string, codes: CodesConfig | undefined): boolean {
  return isCxPatientId(patientId) && checkPatientAssigningAuthority(patientId, codes);
}

/**
 * The identifier of the affinity domain among the repetitions of PID-3 or MRG-1 (a Patient Identity Source may send
 * its local ids next to the domain's one): the first repetition that is a well-formed XDS patient id of an accepted
 * authority.
 */
export function selectDomainPatientId(
  repetitions: readonly CxValue[],
  codes: CodesConfig | undefined,
  escapeCharacter: string,
): string | undefined {
  for (const cx of repetitions) {
    const patientId = toXdsPatientId(cx, escapeCharacter);
    if (patientId !== undefined && isDomainPatientId(patientId, codes)) return patientId;
  }
  return undefined;
}
