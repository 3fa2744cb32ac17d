/**
 * The coded values of the audit messages: DICOM PS3.16 (codeSystemName "DCM"), RFC 3881 and the IHE ones, with
 * the event identification ITI TF-2 prescribes for each transaction and actor side.
 */
export interface CodedValue {
  readonly code: string;
  readonly system: string;
  readonly display: string;
}

type Transaction = "ITI-18" | "ITI-41" | "ITI-42" | "ITI-43" | "ITI-8" | "ITI-40";
type Role = "source" | "destination" | "registry" | "repository" | "consumer" | "gateway";

/** Which end of the exchange an actor is: the one that sends the request, or the one that answers it. */
export type Side = "initiator" | "responder";

export type EventActionCode = "C" | "R" | "U" | "D" | "E";

const dcm = (code: string, display: string): CodedValue => ({ code, system: "DCM", display });
const ihe = (code: string, display: string): CodedValue => ({ code, system: "IHE Transactions", display });
const rfc3881 = (code: string, display: string): CodedValue => ({ code, system: "RFC-3881", display });

/** DICOM PS3.16 CID 401 Audit Event ID. */
export const EVENT_ID = {
  export: dcm("110106", "Export"),
  import: dcm("110107", "Import"),
  patientRecord: dcm("110110", "Patient Record"),
  query: dcm("110112", "Query"),
  userAuthentication: dcm("110114", "User Authentication"),
} as const;

/** DICOM PS3.16 CID 402 Audit Active Participant Role ID. */
export const ROLE_ID = {
  source: dcm("110153", "Source Role ID"),
  destination: dcm("110152", "Destination Role ID"),
} as const;

/** DICOM PS3.16 CID 400 Audit Event Type: the login attempt of PS3.15 A.5.3 "User Authentication". */
export const LOGIN_EVENT_TYPE = dcm("110122", "Login");

/** ParticipantObjectIDTypeCode values (RFC 3881 5.5.4, and ITI TF-2 for the query and the submission set). */
export const OBJECT_ID_TYPE = {
  patientNumber: rfc3881("2", "Patient Number"),
  reportNumber: rfc3881("9", "Report Number"),
  storedQuery: ihe("ITI-18", "Registry Stored Query"),
  /** ITI TF-2 3.41.5.1 / 3.42.5.1: the submission set classificationNode. */
  submissionSet: {
    code: "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd",
    system: "IHE XDS Metadata",
    display: "submission set classificationNode",
  },
} as const satisfies Record<string, CodedValue>;

/** RFC 3881 5.5.1 / DICOM PS3.15 A.5.1 ParticipantObjectTypeCode. */
export const OBJECT_TYPE = { person: "1", systemObject: "2" } as const;

/** RFC 3881 5.5.2 / DICOM PS3.15 A.5.1 ParticipantObjectTypeCodeRole. */
export const OBJECT_ROLE = { patient: "1", report: "3", job: "20", query: "24" } as const;

/** ParticipantObjectDetail types ITI TF-2 names (3.18.5.1, 3.43.5.1, 3.8.5.1). */
export const DETAIL_TYPE = {
  queryEncoding: "QueryEncoding",
  queryHomeCommunityId: "urn:ihe:iti:xca:2010:homeCommunityId",
  repositoryUniqueId: "Repository Unique Id",
  documentHomeCommunityId: "ihe:homeCommunityID",
  messageControlId: "MSH-10",
} as const;

/** ITI TF-2 asks for this as the Source UserID when a SOAP request carries no wsa:ReplyTo. */
export const ANONYMOUS_REPLY_TO = "http://www.w3.org/2005/08/addressing/anonymous";

/** EventTypeCode of each transaction: its name in ITI TF-2 ("IHE Transactions"); ITI-40 uses the DICOM login. */
export const EVENT_TYPE: Readonly<Record<Transaction, CodedValue>> = {
  "ITI-18": ihe("ITI-18", "Registry Stored Query"),
  "ITI-41": ihe("ITI-41", "Provide and Register Document Set-b"),
  "ITI-42": ihe("ITI-42", "Register Document Set-b"),
  "ITI-43": ihe("ITI-43", "Retrieve Document Set"),
  "ITI-8": ihe("ITI-8", "Patient Identity Feed"),
  "ITI-40": LOGIN_EVENT_TYPE,
};

/**
 * The side a role records from, or undefined when the role takes no part in the transaction. "source" and
 * "destination" are the generic initiator and responder; the gateway is the responder the external client talks to
 * (and the XUA X-Service Provider that refuses an assertion, ITI-40).
 */
export function sideOf(transaction: Transaction, role: Role): Side | undefined {
  if (role === "gateway") return "responder";
  if (transaction === "ITI-40") return undefined;
  if (role === "source") return "initiator";
  if (role === "destination") return "responder";
  switch (transaction) {
    case "ITI-18":
      return role === "consumer" ? "initiator" : role === "registry" ? "responder" : undefined;
    case "ITI-41":
      return role === "repository" ? "responder" : undefined;
    case "ITI-42":
      return role === "repository" ? "initiator" : role === "registry" ? "responder" : undefined;
    case "ITI-43":
      return role === "consumer" ? "initiator" : role === "repository" ? "responder" : undefined;
    case "ITI-8":
      return role === "registry" ? "responder" : undefined;
  }
}

export interface EventIdentification {
  readonly eventId: CodedValue;
  readonly action: EventActionCode;
  readonly eventType: CodedValue;
}

/**
 * EventID and EventActionCode per transaction and side:
 * ITI-18 (ITI TF-2 3.18.5.1): Query, E on both sides.
 * ITI-41 (3.41.5.1), ITI-42 (3.42.5.1): the sender Exports (R), the receiver Imports (C).
 * ITI-43 (3.43.5.1): the consumer Imports (C), the repository Exports (R).
 * ITI-8 (3.8.5.1): Patient Record, C for A01/A04/A05, U for A08/A40.
 * ITI-40 (ITI TF-2 3.40.4.2, DICOM PS3.15 A.5.3 User Authentication): 110114 with action E.
 */
export function eventIdentificationOf(
  transaction: Transaction,
  side: Side,
  feedAction: "create" | "update" = "create",
): EventIdentification {
  const eventType = EVENT_TYPE[transaction];
  switch (transaction) {
    case "ITI-18":
      return { eventId: EVENT_ID.query, action: "E", eventType };
    case "ITI-41":
    case "ITI-42":
      return side === "initiator"
        ? { eventId: EVENT_ID.export, action: "R", eventType }
        : { eventId: EVENT_ID.import, action: "C", eventType };
    case "ITI-43":
      return side === "initiator"
        ? { eventId: EVENT_ID.import, action: "C", eventType }
        : { eventId: EVENT_ID.export, action: "R", eventType };
    case "ITI-8":
      return { eventId: EVENT_ID.patientRecord, action: feedAction === "update" ? "U" : "C", eventType };
    case "ITI-40":
      return { eventId: EVENT_ID.userAuthentication, action: "E", eventType };
  }
}

/** DICOM PS3.15 A.5.1 EventOutcomeIndicator. */
export const OUTCOME_INDICATOR = {
  success: "0",
  "minor-failure": "4",
  "serious-failure": "8",
  "major-failure": "12",
} as const;

/** The transactions whose Source participant is a SOAP sender, named by its wsa:ReplyTo. */
export function isSoapTransaction(transaction: Transaction): boolean {
  return transaction !== "ITI-8" && transaction !== "ITI-40";
}
