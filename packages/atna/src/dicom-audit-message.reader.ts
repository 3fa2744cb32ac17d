import { XmlError, attribute, childElements, parseXml, textContent, type XmlElement } from "@opendsp/ebxml";
import { OUTCOME_INDICATOR, type CodedValue } from "./audit-codes.js";
import type { AuditOutcome } from "./audit-record.js";

/**
 * What an external actor's audit message (ITI-20) says, read leniently: every field the sender left out is absent,
 * unknown elements are ignored, element names match whatever namespace the sender used. Values are kept as
 * received (dates unparsed), so the stored copy says what the sender said; the derived lists at the end are what
 * the access history needs.
 */
export interface ReceivedAuditMessage {
  readonly eventId: CodedValue;
  /** EventTypeCode(s); an IHE transaction is one whose code looks like "ITI-18". */
  readonly eventTypes: readonly CodedValue[];
  readonly transaction?: string;
  readonly action?: string;
  readonly occurredAt?: string;
  /** EventOutcomeIndicator as received, and its meaning when it is one of 0, 4, 8, 12. */
  readonly outcomeIndicator?: string;
  readonly outcome?: AuditOutcome;
  readonly outcomeDescription?: string;
  readonly purposesOfUse: readonly CodedValue[];
  readonly participants: readonly ReceivedParticipant[];
  readonly auditSources: readonly ReceivedAuditSource[];
  readonly objects: readonly ReceivedParticipantObject[];
  /** ParticipantObjectIDs of the patients (ParticipantObjectTypeCodeRole 1). */
  readonly patientIds: readonly string[];
  /** Documents (role 3, or id type "9" Report Number) with their repository and community when given. */
  readonly documents: readonly { uniqueId: string; repositoryUniqueId?: string; homeCommunityId?: string }[];
  /** UserIDs of the participants flagged UserIsRequestor. */
  readonly requestorIds: readonly string[];
}

export interface ReceivedParticipant {
  readonly userId: string;
  readonly alternativeUserId?: string;
  readonly userName?: string;
  /** Absent when the sender left the (required) attribute out. */
  readonly userIsRequestor?: boolean;
  readonly networkAccessPointId?: string;
  readonly networkAccessPointTypeCode?: string;
  readonly roles: readonly CodedValue[];
}

export interface ReceivedAuditSource {
  readonly id: string;
  readonly enterpriseSiteId?: string;
  readonly typeCodes: readonly string[];
}

export interface ReceivedParticipantObject {
  readonly id: string;
  readonly typeCode?: string;
  readonly typeCodeRole?: string;
  readonly idTypeCode?: CodedValue;
  readonly name?: string;
  /** ParticipantObjectQuery, base64 as received. */
  readonly query?: string;
  /** ParticipantObjectDetail, the value decoded from base64 when it is base64 of UTF-8 text, else as received. */
  readonly details: readonly { type: string; value: string }[];
}

export type ReadAuditMessageCode =
  | "ATNA_AUDIT_NOT_XML"
  | "ATNA_AUDIT_DOCTYPE"
  | "ATNA_AUDIT_NOT_AUDIT_MESSAGE"
  | "ATNA_AUDIT_NO_EVENT";

export type ReadAuditMessageResult =
  | { readonly ok: true; readonly record: ReceivedAuditMessage }
  | { readonly ok: false; readonly code: ReadAuditMessageCode; readonly reason: string };

/** Deep enough for any audit message (they nest four levels), shallow enough to stop a hostile one early. */
const MAX_DEPTH = 16;

/** Reads a DICOM (PS3.15 A.5.1) or RFC 3881 audit message; never throws. */
export function readDicomAuditMessage(xml: string | Uint8Array): ReadAuditMessageResult {
  let root: XmlElement;
  try {
    root = parseXml(xml, { maxDepth: MAX_DEPTH });
  } catch (e) {
    if (e instanceof XmlError && e.code === "XML_DOCTYPE") {
      return { ok: false, code: "ATNA_AUDIT_DOCTYPE", reason: "DOCTYPE declarations are refused (XML entity attacks)" };
    }
    return { ok: false, code: "ATNA_AUDIT_NOT_XML", reason: e instanceof Error ? e.message : String(e) };
  }
  if (root.local !== "AuditMessage") {
    return { ok: false, code: "ATNA_AUDIT_NOT_AUDIT_MESSAGE", reason: `the root element is ${root.local}, not AuditMessage` };
  }
  const event = child(root, "EventIdentification");
  const eventIdEl = event && child(event, "EventID");
  const eventId = eventIdEl && codedValue(eventIdEl);
  if (!event || !eventId) {
    return { ok: false, code: "ATNA_AUDIT_NO_EVENT", reason: "the message has no EventIdentification with an EventID" };
  }
  return { ok: true, record: readMessage(root, event, eventId) };
}

function readMessage(root: XmlElement, event: XmlElement, eventId: CodedValue): ReceivedAuditMessage {
  const eventTypes = codedChildren(event, "EventTypeCode");
  const transaction = eventTypes.find((t) => /^ITI-\d+$/.test(t.code))?.code;
  const indicator = attr(event, "EventOutcomeIndicator");
  const outcome = outcomeOf(indicator);
  const description = child(event, "EventOutcomeDescription");
  const participants = children(root, "ActiveParticipant").flatMap(readParticipant);
  const objects = children(root, "ParticipantObjectIdentification").flatMap(readObject);
  return {
    eventId,
    eventTypes,
    ...(transaction !== undefined && { transaction }),
    ...optional("action", attr(event, "EventActionCode")),
    ...optional("occurredAt", attr(event, "EventDateTime")),
    ...optional("outcomeIndicator", indicator),
    ...(outcome !== undefined && { outcome }),
    ...optional("outcomeDescription", description && textContent(description).trim()),
    purposesOfUse: codedChildren(event, "PurposeOfUse"),
    participants,
    auditSources: children(root, "AuditSourceIdentification").flatMap(readAuditSource),
    objects,
    patientIds: objects.filter(isPatient).map((o) => o.id),
    documents: objects.filter(isDocument).map(documentOf),
    requestorIds: participants.filter((p) => p.userIsRequestor === true).map((p) => p.userId),
  };
}

function readParticipant(el: XmlElement): ReceivedParticipant[] {
  const userId = attr(el, "UserID");
  if (userId === undefined) return [];
  const requestor = attr(el, "UserIsRequestor")?.toLowerCase();
  return [
    {
      userId,
      ...optional("alternativeUserId", attr(el, "AlternativeUserID")),
      ...optional("userName", attr(el, "UserName")),
      ...(requestor !== undefined && { userIsRequestor: requestor === "true" || requestor === "1" }),
      ...optional("networkAccessPointId", attr(el, "NetworkAccessPointID")),
      ...optional("networkAccessPointTypeCode", attr(el, "NetworkAccessPointTypeCode")),
      roles: codedChildren(el, "RoleIDCode"),
    },
  ];
}

function readAuditSource(el: XmlElement): ReceivedAuditSource[] {
  const id = attr(el, "AuditSourceID");
  if (id === undefined) return [];
  // DICOM writes csd-code; RFC 3881 writes code, or the bare number as text.
  const typeCodes = children(el, "AuditSourceTypeCode")
    .map((t) => attr(t, "csd-code") ?? attr(t, "code") ?? textContent(t).trim())
    .filter((c) => c !== "");
  return [{ id, ...optional("enterpriseSiteId", attr(el, "AuditEnterpriseSiteID")), typeCodes }];
}

function readObject(el: XmlElement): ReceivedParticipantObject[] {
  const id = attr(el, "ParticipantObjectID");
  if (id === undefined) return [];
  const idTypeEl = child(el, "ParticipantObjectIDTypeCode");
  const idTypeCode = idTypeEl && codedValue(idTypeEl);
  const name = child(el, "ParticipantObjectName");
  const query = child(el, "ParticipantObjectQuery");
  const details = children(el, "ParticipantObjectDetail").flatMap((d) => {
    const type = attr(d, "type");
    const value = attr(d, "value") ?? textContent(d).trim();
    return type === undefined ? [] : [{ type, value: decodeDetail(value) }];
  });
  return [
    {
      id,
      ...optional("typeCode", attr(el, "ParticipantObjectTypeCode")),
      ...optional("typeCodeRole", attr(el, "ParticipantObjectTypeCodeRole")),
      ...(idTypeCode !== undefined && { idTypeCode }),
      ...optional("name", name && textContent(name).trim()),
      ...optional("query", query && textContent(query).replace(/\s+/g, "")),
      details,
    },
  ];
}

/** RFC 3881 5.5.2: role 1 is the patient; some senders leave the role out of a person (type 1) with a patient number. */
function isPatient(o: ReceivedParticipantObject): boolean {
  if (o.typeCodeRole !== undefined) return o.typeCodeRole === "1";
  return o.typeCode === "1" && o.idTypeCode?.code === "2";
}

/** ITI TF-2 3.43.5.1: documents are reports (role 3) identified by a Report Number (id type 9). */
function isDocument(o: ReceivedParticipantObject): boolean {
  return o.typeCodeRole === "3" || (o.typeCodeRole === undefined && o.idTypeCode?.code === "9");
}

function documentOf(o: ReceivedParticipantObject): { uniqueId: string; repositoryUniqueId?: string; homeCommunityId?: string } {
  const detailOf = (pred: (type: string) => boolean): string | undefined => o.details.find((d) => pred(d.type.toLowerCase()))?.value;
  return {
    uniqueId: o.id,
    ...optional("repositoryUniqueId", detailOf((t) => t === "repository unique id" || t === "repositoryuniqueid")),
    ...optional("homeCommunityId", detailOf((t) => t.endsWith("homecommunityid"))),
  };
}

function outcomeOf(indicator: string | undefined): AuditOutcome | undefined {
  for (const [outcome, code] of Object.entries(OUTCOME_INDICATOR)) if (code === indicator?.trim()) return outcome as AuditOutcome;
  return undefined;
}

/**
 * DICOM writes csd-code/codeSystemName/originalText; RFC 3881 wrote code/codeSystem(Name)/displayName. A code
 * without any code attribute is skipped.
 */
function codedValue(el: XmlElement): CodedValue | undefined {
  const code = attr(el, "csd-code") ?? attr(el, "code");
  if (code === undefined || code === "") return undefined;
  return {
    code,
    system: attr(el, "codeSystemName") ?? attr(el, "codeSystem") ?? "",
    display: attr(el, "originalText") ?? attr(el, "displayName") ?? "",
  };
}

function codedChildren(el: XmlElement, local: string): CodedValue[] {
  return children(el, local).flatMap((c) => {
    const v = codedValue(c);
    return v ? [v] : [];
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * PS3.15 A.5.1 declares the detail value xs:base64Binary, yet some senders write plain text; decode only what is
 * base64 of printable UTF-8, keep anything else as received.
 */
function decodeDetail(value: string): string {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return value;
  try {
    const text = utf8.decode(Buffer.from(value, "base64"));
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u001f\u007f\ufffd]/.test(text) ? value : text;
  } catch {
    return value;
  }
}

/** Attribute by local name in any namespace (a few senders prefix them). */
function attr(el: XmlElement, local: string): string | undefined {
  return attribute(el, local) ?? el.attrs.find((a) => a.local === local)?.value;
}

/** Children by local name, whatever namespace the sender put them in. */
function children(el: XmlElement, local: string): XmlElement[] {
  return childElements(el).filter((c) => c.local === local);
}

function child(el: XmlElement, local: string): XmlElement | undefined {
  return childElements(el).find((c) => c.local === local);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === "" ? {} : ({ [key]: value } as { [P in K]: string });
}
