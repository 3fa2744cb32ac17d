/**
 * What the registry answers to one ITI-8 message, before it is written as an HL7 ACK (ITI TF-2a 3.8.4.2;
 * HL7 v2.3.1 ch. 2.13.1 original acknowledgment mode):
 * - AA: applied;
 * - AE: understood but not applied (no identifier of the affinity domain, merge of an unknown id, database down);
 * - AR: rejected before reading the content (unparseable, unsupported MSH-9 message type or trigger event,
 *   MSH-11 processing id or MSH-12 version: HL7 v2.5 ch. 2.9.2.2 keeps AR for MSH-9/11/12 and framing).
 */
export type AckCode = "AA" | "AE" | "AR";

/** HL7 table 0357 (message error condition codes) as HL7 v2.5 lists them. */
export const HL7_ERROR = {
  segmentSequenceError: { code: "100", text: "Segment sequence error" },
  requiredFieldMissing: { code: "101", text: "Required field missing" },
  dataTypeError: { code: "102", text: "Data type error" },
  unsupportedMessageType: { code: "200", text: "Unsupported message type" },
  unsupportedEventCode: { code: "201", text: "Unsupported event code" },
  unsupportedProcessingId: { code: "202", text: "Unsupported processing id" },
  unsupportedVersionId: { code: "203", text: "Unsupported version id" },
  unknownKeyIdentifier: { code: "204", text: "Unknown key identifier" },
  applicationInternalError: { code: "207", text: "Application internal error" },
} as const;

export type Hl7ErrorCondition = (typeof HL7_ERROR)[keyof typeof HL7_ERROR];

/** Where the error is (HL7 v2.5 ERL / v2.3.1 ERR-1 components): segment id, its sequence, field, component. */
export interface Hl7ErrorLocation {
  readonly segment: string;
  readonly sequence: number;
  readonly field: number;
  readonly component?: number;
}

/** Why a message was not applied; `text` is for the sender's operator and never holds a patient identifier. */
export interface FeedError {
  readonly ackCode: "AE" | "AR";
  readonly condition: Hl7ErrorCondition;
  readonly text: string;
  readonly location?: Hl7ErrorLocation;
}

export function feedError(ackCode: "AE" | "AR", condition: Hl7ErrorCondition, text: string, location?: Hl7ErrorLocation): FeedError {
  return location ? { ackCode, condition, text, location } : { ackCode, condition, text };
}
