import { element, writeXml, type XmlElement } from "@opendsp/ebxml";
import {
  ANONYMOUS_REPLY_TO,
  DETAIL_TYPE,
  OBJECT_ID_TYPE,
  OBJECT_ROLE,
  OBJECT_TYPE,
  OUTCOME_INDICATOR,
  ROLE_ID,
  eventIdentificationOf,
  isSoapTransaction,
  sideOf,
  type CodedValue,
} from "./audit-codes.js";
import type { AuditRecord } from "./audit-record.js";
import { splitCodeToken } from "./code-token.js";
import { networkAccessPointType } from "./network-address.js";

/**
 * The DICOM audit message (PS3.15 A.5.1, the schema ITI-20 carries) that ITI TF-2 prescribes for the record's
 * transaction and actor side. The record is trusted to have passed `parseAuditRecord`.
 */
export function toDicomAuditMessage(record: AuditRecord): string {
  return writeXml(auditMessageElement(record), { declaration: true });
}

function auditMessageElement(record: AuditRecord): XmlElement {
  const side = sideOf(record.transaction, record.role) ?? "responder";
  return el("AuditMessage", {}, [
    eventIdentification(record, side),
    ...activeParticipants(record, side),
    auditSourceIdentification(record),
    ...participantObjects(record),
  ]);
}

function eventIdentification(record: AuditRecord, side: "initiator" | "responder"): XmlElement {
  const ident = eventIdentificationOf(record.transaction, side, record.feedAction);
  const purpose = record.requestor?.purposeOfUse;
  return el(
    "EventIdentification",
    {
      EventActionCode: ident.action,
      EventDateTime: record.occurredAt,
      EventOutcomeIndicator: OUTCOME_INDICATOR[record.outcome],
    },
    [
      coded("EventID", ident.eventId),
      coded("EventTypeCode", ident.eventType),
      // PS3.15 A.5.1: free text explaining a failed outcome; the reason carries no patient data by contract.
      record.failure && el("EventOutcomeDescription", {}, [`${record.failure.code}: ${record.failure.reason}`]),
      purpose !== undefined && coded("PurposeOfUse", tokenCode(purpose)),
    ],
  );
}

/**
 * ITI TF-2 (3.18.5.1, 3.41.5.1, 3.42.5.1, 3.43.5.1, 3.8.5.1): one participant for each system, with the Source and
 * Destination role ids, and the human requestor when a person asked. In ITI-43 the data flows from the repository
 * to the consumer, so the answering repository is the Source and the asking consumer the Destination.
 */
function activeParticipants(record: AuditRecord, side: "initiator" | "responder"): XmlElement[] {
  const human = record.requestor !== undefined && record.requestor.kind !== "system" ? record.requestor : undefined;
  const reversed = record.transaction === "ITI-43";
  const client = el(
    "ActiveParticipant",
    {
      UserID: clientUserId(record, side),
      UserIsRequestor: String(human === undefined),
      ...networkAccessPoint(record.client?.networkAddress),
    },
    [coded("RoleIDCode", reversed ? ROLE_ID.destination : ROLE_ID.source)],
  );
  const server = el(
    "ActiveParticipant",
    {
      UserID: record.destination?.endpoint ?? (side === "responder" ? record.auditSource.id : "unknown"),
      UserIsRequestor: "false",
      ...networkAccessPoint(record.destination?.networkAddress),
    },
    [coded("RoleIDCode", reversed ? ROLE_ID.source : ROLE_ID.destination)],
  );
  const out = reversed ? [server, client] : [client];
  if (human) {
    // The human requestor: UserIsRequestor true, its access-control roles as RoleIDCode (ITI TF-2 "Human Requestor");
    // UserName holds the XUA identity, alias<user@issuer>, when the person came with an assertion (ITI TF-2 3.40.4.2).
    out.push(
      el(
        "ActiveParticipant",
        { UserID: human.id, UserName: human.xuaUserName ?? human.name, UserIsRequestor: "true" },
        (human.roles ?? []).map((r) => coded("RoleIDCode", tokenCode(r))),
      ),
    );
  }
  if (!reversed) out.push(server);
  return out;
}

/** The sender's wsa:ReplyTo, or the WS-Addressing anonymous URI ITI TF-2 asks for when there is none. */
function clientUserId(record: AuditRecord, side: "initiator" | "responder"): string {
  if (record.client?.id !== undefined) return record.client.id;
  if (isSoapTransaction(record.transaction)) return ANONYMOUS_REPLY_TO;
  if (record.requestor?.kind === "system") return record.requestor.id;
  return side === "initiator" ? record.auditSource.id : "unknown";
}

function networkAccessPoint(address: string | undefined): Record<string, string> {
  if (address === undefined) return {};
  return { NetworkAccessPointID: address, NetworkAccessPointTypeCode: networkAccessPointType(address) };
}

/** PS3.15 A.5.1 AuditSourceTypeCode 4: "Application Server process or thread". */
function auditSourceIdentification(record: AuditRecord): XmlElement {
  return el("AuditSourceIdentification", { AuditEnterpriseSiteID: record.auditSource.enterpriseSiteId, AuditSourceID: record.auditSource.id }, [
    el("AuditSourceTypeCode", { "csd-code": "4", codeSystemName: "DCM", originalText: "Application Server process or thread" }),
  ]);
}

function participantObjects(record: AuditRecord): XmlElement[] {
  const out: XmlElement[] = record.patientIds.map((id) =>
    el("ParticipantObjectIdentification", { ParticipantObjectID: id, ParticipantObjectTypeCode: OBJECT_TYPE.person, ParticipantObjectTypeCodeRole: OBJECT_ROLE.patient }, [
      coded("ParticipantObjectIDTypeCode", OBJECT_ID_TYPE.patientNumber),
      // ITI TF-2 3.8.5.1: the HL7 message control id of the feed message, as a detail of the patient.
      record.transaction === "ITI-8" && record.messageId !== undefined && detail(DETAIL_TYPE.messageControlId, record.messageId),
    ]),
  );
  switch (record.transaction) {
    case "ITI-18":
      if (record.query) out.push(queryObject(record.query));
      break;
    case "ITI-41":
    case "ITI-42":
      // ITI TF-2 3.41.5.1 / 3.42.5.1: the submission set, as a job (role 20).
      if (record.submissionSetUniqueId !== undefined) {
        out.push(
          el("ParticipantObjectIdentification", { ParticipantObjectID: record.submissionSetUniqueId, ParticipantObjectTypeCode: OBJECT_TYPE.systemObject, ParticipantObjectTypeCodeRole: OBJECT_ROLE.job }, [
            coded("ParticipantObjectIDTypeCode", OBJECT_ID_TYPE.submissionSet),
          ]),
        );
      }
      break;
    case "ITI-43":
      // ITI TF-2 3.43.5.1: each document, as a report (role 3) named by its uniqueId.
      for (const doc of record.documents ?? []) {
        out.push(
          el("ParticipantObjectIdentification", { ParticipantObjectID: doc.uniqueId, ParticipantObjectTypeCode: OBJECT_TYPE.systemObject, ParticipantObjectTypeCodeRole: OBJECT_ROLE.report }, [
            coded("ParticipantObjectIDTypeCode", OBJECT_ID_TYPE.reportNumber),
            doc.repositoryUniqueId !== undefined && detail(DETAIL_TYPE.repositoryUniqueId, doc.repositoryUniqueId),
            doc.homeCommunityId !== undefined && detail(DETAIL_TYPE.documentHomeCommunityId, doc.homeCommunityId),
          ]),
        );
      }
      break;
    case "ITI-8":
    case "ITI-40":
      break;
  }
  return out;
}

/** ITI TF-2 3.18.5.1: the stored query (role 24), the whole AdhocQueryRequest base64 in ParticipantObjectQuery. */
function queryObject(query: NonNullable<AuditRecord["query"]>): XmlElement {
  return el("ParticipantObjectIdentification", { ParticipantObjectID: query.storedQueryId, ParticipantObjectTypeCode: OBJECT_TYPE.systemObject, ParticipantObjectTypeCodeRole: OBJECT_ROLE.query }, [
    coded("ParticipantObjectIDTypeCode", OBJECT_ID_TYPE.storedQuery),
    query.requestBase64 !== undefined && el("ParticipantObjectQuery", {}, [query.requestBase64]),
    detail(DETAIL_TYPE.queryEncoding, "UTF-8"),
    query.homeCommunityId !== undefined && detail(DETAIL_TYPE.queryHomeCommunityId, query.homeCommunityId),
  ]);
}

/** PS3.15 A.5.1 ParticipantObjectDetail: the value is xs:base64Binary. */
function detail(type: string, value: string): XmlElement {
  return el("ParticipantObjectDetail", { type, value: Buffer.from(value, "utf8").toString("base64") });
}

/** PS3.15 A.5.1 CodedValueType: csd-code, codeSystemName and originalText are required. */
function coded(name: string, value: CodedValue): XmlElement {
  return el(name, { "csd-code": value.code, codeSystemName: value.system, originalText: value.display });
}

function tokenCode(token: string): CodedValue {
  const { system, code } = splitCodeToken(token);
  return { code, system, display: code };
}

function el(local: string, attrs: Readonly<Record<string, string | undefined>> = {}, children: readonly (XmlElement | string | undefined | false)[] = []): XmlElement {
  return element("", local, attrs, children);
}
