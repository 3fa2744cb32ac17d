import { Hl7Message, type Hl7Field, type Hl7Segment } from "@medplum/core";
import type { CxValue } from "./affinity-patient-id.rules.js";
import { HL7_ERROR, feedError, type FeedError } from "./feed-result.types.js";

/** The delimiters a message declares in MSH-1 and MSH-2 (HL7 v2.3.1 ch. 2.7); the ACK is written with the same. */
export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

export const DEFAULT_DELIMITERS: Hl7Delimiters = { field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&" };

/** The MSH fields an acknowledgment needs (HL7 v2.3.1 ch. 2.24.1), raw (still escaped) so they can be echoed. */
export interface Hl7Header {
  readonly delimiters: Hl7Delimiters;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly receivingApplication: string;
  readonly receivingFacility: string;
  /** MSH-9.1, e.g. ADT. */
  readonly messageType: string;
  /** MSH-9.2, or EVN-1 when MSH-9.2 is empty (HL7 v2.3.1 senders may still fill only EVN-1). */
  readonly triggerEvent: string;
  /** MSH-10, echoed in MSA-2. */
  readonly controlId: string;
  /** MSH-11.1: P, D or T. */
  readonly processingId: string;
  /** MSH-12.1. */
  readonly version: string;
}

/** ADT triggers that add or update a patient (ITI TF-2a 3.8.4.1: admit, register, pre-admit, update). */
export const IDENTITY_TRIGGERS = ["A01", "A04", "A05", "A08"] as const;
export type IdentityTrigger = (typeof IDENTITY_TRIGGERS)[number];

/** HL7 versions whose ADT PID-3 and MRG-1 read alike; ITI-8 is v2.3.1, national extensions often use v2.5. */
export const ACCEPTED_VERSIONS: readonly string[] = ["2.3.1", "2.4", "2.5", "2.5.1"];

/** One PID (and, in a merge, the MRG after it) of an ADT message, with the segment's position for ERR. */
export interface PatientIdentifiers {
  /** 1-based position among the PID segments of the message. */
  readonly sequence: number;
  /** PID-3 repetitions. */
  readonly patientIdentifierList: readonly CxValue[];
}

export interface MergeIdentifiers extends PatientIdentifiers {
  /** MRG-1 repetitions, the prior (subsumed) ids. */
  readonly priorPatientIdentifierList: readonly CxValue[];
}

export type AdtMessage =
  | { readonly kind: "identity"; readonly header: Hl7Header; readonly trigger: IdentityTrigger; readonly patient: PatientIdentifiers }
  | { readonly kind: "merge"; readonly header: Hl7Header; readonly merges: readonly MergeIdentifiers[] };

export type AdtParseResult =
  | { readonly ok: true; readonly message: AdtMessage }
  /** `header` is there when MSH could be read, so the ACK can echo MSH-10 and address the sender. */
  | { readonly ok: false; readonly header: Hl7Header | undefined; readonly error: FeedError };

/**
 * Reads an ITI-8 message (ITI TF-2a 3.8.4.1.2): MSH, then PID-3 of A01/A04/A05/A08, or each PID-3 + MRG-1 pair of
 * A40 (ADT_A39 structure: the patient group may repeat). Everything else in the message (names, visits) is not
 * the registry's business and is not read. Pure: no I/O, no logging.
 */
export function parseAdtMessage(text: string): AdtParseResult {
  const start = text.replace(/^[\s\uFEFF]+/, "");
  const delimiters = readDelimiters(start);
  if (!delimiters) {
    return { ok: false, header: undefined, error: feedError("AR", HL7_ERROR.segmentSequenceError, "The message does not start with an MSH segment") };
  }
  let message: Hl7Message;
  try {
    message = Hl7Message.parse(start);
  } catch {
    return { ok: false, header: undefined, error: feedError("AR", HL7_ERROR.segmentSequenceError, "The message could not be parsed") };
  }
  const header = readHeader(message, delimiters);
  const headerError = checkHeader(header);
  if (headerError) return { ok: false, header, error: headerError };

  if (header.triggerEvent === "A40") {
    const merges = readMerges(message, delimiters);
    if (!Array.isArray(merges)) return { ok: false, header, error: merges };
    return { ok: true, message: { kind: "merge", header, merges } };
  }
  const pid = message.getSegment("PID");
  if (!pid) {
    return { ok: false, header, error: feedError("AE", HL7_ERROR.segmentSequenceError, "The message has no PID segment", { segment: "PID", sequence: 1, field: 0 }) };
  }
  const patient = { sequence: 1, patientIdentifierList: readCx(pid.getField(3), delimiters) };
  return { ok: true, message: { kind: "identity", header, trigger: header.triggerEvent as IdentityTrigger, patient } };
}

/** MSH-1 is the character after "MSH", MSH-2 the next four (component, repetition, escape, subcomponent). */
function readDelimiters(text: string): Hl7Delimiters | undefined {
  if (!text.startsWith("MSH") || text.length < 8) return undefined;
  const chars = [...text.slice(3, 8)];
  const [field, component, repetition, escape, subcomponent] = chars as [string, string, string, string, string];
  if (new Set(chars).size !== chars.length || chars.some((c) => /[\w\s]/.test(c))) return undefined;
  return { field, component, repetition, escape, subcomponent };
}

function readHeader(message: Hl7Message, delimiters: Hl7Delimiters): Hl7Header {
  const msh = message.header;
  const field = (i: number): string => msh.getField(i)?.toString() ?? "";
  const component = (i: number, c: number): string => msh.getField(i)?.getComponent(c) ?? "";
  const trigger = component(9, 2) || (message.getSegment("EVN")?.getField(1)?.getComponent(1) ?? "");
  return {
    delimiters,
    sendingApplication: field(3),
    sendingFacility: field(4),
    receivingApplication: field(5),
    receivingFacility: field(6),
    messageType: component(9, 1).trim().toUpperCase(),
    triggerEvent: trigger.trim().toUpperCase(),
    controlId: field(10),
    processingId: component(11, 1).trim().toUpperCase(),
    version: component(12, 1).trim(),
  };
}

/** HL7 v2.5 ch. 2.9.2.2 / v2.3.1 ch. 2.13.1: what the receiver checks in MSH before reading the content. */
function checkHeader(h: Hl7Header): FeedError | undefined {
  if (h.controlId === "") return feedError("AR", HL7_ERROR.requiredFieldMissing, "MSH-10 (message control id) is empty", { segment: "MSH", sequence: 1, field: 10 });
  if (h.messageType === "") return feedError("AR", HL7_ERROR.requiredFieldMissing, "MSH-9 (message type) is empty", { segment: "MSH", sequence: 1, field: 9 });
  if (h.version !== "" && !ACCEPTED_VERSIONS.includes(h.version)) {
    return feedError("AR", HL7_ERROR.unsupportedVersionId, `HL7 version ${h.version} is not supported (accepted: ${ACCEPTED_VERSIONS.join(", ")})`, { segment: "MSH", sequence: 1, field: 12 });
  }
  if (h.processingId !== "" && !["P", "D", "T"].includes(h.processingId)) {
    return feedError("AR", HL7_ERROR.unsupportedProcessingId, "MSH-11 (processing id) must be P, D or T", { segment: "MSH", sequence: 1, field: 11 });
  }
  if (h.messageType !== "ADT") {
    return feedError("AR", HL7_ERROR.unsupportedMessageType, "Only ADT messages are accepted (ITI-8 Patient Identity Feed)", { segment: "MSH", sequence: 1, field: 9, component: 1 });
  }
  if (h.triggerEvent !== "A40" && !(IDENTITY_TRIGGERS as readonly string[]).includes(h.triggerEvent)) {
    return feedError("AR", HL7_ERROR.unsupportedEventCode, "Accepted trigger events: A01, A04, A05, A08, A40", { segment: "MSH", sequence: 1, field: 9, component: 2 });
  }
  return undefined;
}

/** Each PID with the MRG that follows it before the next PID (ADT_A39: {PID, [PD1], MRG, [PV1]}). */
function readMerges(message: Hl7Message, d: Hl7Delimiters): MergeIdentifiers[] | FeedError {
  const merges: MergeIdentifiers[] = [];
  let pid: Hl7Segment | undefined;
  let sequence = 0;
  for (const segment of message.segments) {
    if (segment.name === "PID") {
      if (pid) return missingMrg(sequence);
      pid = segment;
      sequence += 1;
    } else if (segment.name === "MRG") {
      if (!pid) return feedError("AE", HL7_ERROR.segmentSequenceError, "An MRG segment comes before its PID", { segment: "MRG", sequence: sequence + 1, field: 0 });
      merges.push({
        sequence,
        patientIdentifierList: readCx(pid.getField(3), d),
        priorPatientIdentifierList: readCx(segment.getField(1), d),
      });
      pid = undefined;
    }
  }
  if (pid) return missingMrg(sequence);
  if (merges.length === 0) return feedError("AE", HL7_ERROR.segmentSequenceError, "The A40 message has no PID and MRG segments", { segment: "PID", sequence: 1, field: 0 });
  return merges;
}

function missingMrg(sequence: number): FeedError {
  return feedError("AE", HL7_ERROR.segmentSequenceError, "A PID of the A40 message has no MRG segment after it", { segment: "MRG", sequence, field: 0 });
}

/** The repetitions of a CX field (PID-3, MRG-1): CX.1 and the subcomponents of CX.4. */
function readCx(field: Hl7Field | undefined, d: Hl7Delimiters): CxValue[] {
  if (!field) return [];
  return field.components.flatMap((repetition) => {
    const id = repetition[0] ?? "";
    if (id === "") return [];
    return [{ id, assigningAuthority: (repetition[3] ?? "").split(d.subcomponent) }];
  });
}
