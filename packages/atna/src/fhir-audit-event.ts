import {
  DETAIL_TYPE,
  OBJECT_ID_TYPE,
  OBJECT_ROLE,
  OBJECT_TYPE,
  OUTCOME_INDICATOR,
  ROLE_ID,
  eventIdentificationOf,
  sideOf,
  type CodedValue,
} from "./audit-codes.js";
import type { AuditRecord } from "./audit-record.js";
import { LOCAL_CODE_SYSTEM, splitCodeToken } from "./code-token.js";
import { networkAccessPointType } from "./network-address.js";

/** FHIR R4 code systems of AuditEvent (hl7.org/fhir/R4/auditevent.html) and of IHE BALP / ITI-81. */
const DCM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";
const IHE_EVENT_TYPE_SYSTEM = "urn:ihe:event-type-code";
const ENTITY_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
const OBJECT_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/object-role";
const SOURCE_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/security-source-type";
const EXTRA_SECURITY_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
/** The access right of an OpenDSP access, carried as a policy URI in the agent (R4 AuditEvent.agent.policy). */
const GRANT_POLICY_PREFIX = "urn:opendsp:access-grant:";
const LOCAL_CODE_SYSTEM_URI = "urn:opendsp:code-system:local";

export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}

export interface FhirAuditEvent {
  resourceType: "AuditEvent";
  id: string;
  type: FhirCoding;
  subtype: FhirCoding[];
  action: "C" | "R" | "U" | "D" | "E";
  recorded: string;
  outcome: "0" | "4" | "8" | "12";
  outcomeDesc?: string;
  purposeOfEvent?: { coding: FhirCoding[] }[];
  agent: FhirAuditAgent[];
  source: { site?: string; observer: { display: string }; type: FhirCoding[] };
  entity: FhirAuditEntity[];
}

export interface FhirAuditAgent {
  type: { coding: FhirCoding[] };
  role?: { coding: FhirCoding[] }[];
  who: { identifier: { value: string }; display?: string };
  altId?: string;
  requestor: boolean;
  name?: string;
  policy?: string[];
  network?: { address: string; type: "1" | "2" };
}

export interface FhirAuditEntity {
  what: { identifier: { value: string; system?: string } };
  type: FhirCoding;
  role: FhirCoding;
  query?: string;
  detail?: { type: string; valueString: string }[];
}

/**
 * The FHIR R4 AuditEvent of a record, shaped as IHE BALP / RESTful ATNA (ITI-81) expect: the DICOM event id as
 * type, the IHE transaction as subtype, agents with the DICOM source/destination role ids and the human requestor,
 * entities for the patient(s), the documents, the submission set and the query. The patient's access history is
 * served as these.
 */
export function toFhirAuditEvent(record: AuditRecord): FhirAuditEvent {
  const side = sideOf(record.transaction, record.role) ?? "responder";
  const ident = eventIdentificationOf(record.transaction, side, record.feedAction);
  const purpose = record.requestor?.purposeOfUse;
  return {
    resourceType: "AuditEvent",
    id: record.eventId,
    type: coding(DCM_SYSTEM, ident.eventId),
    subtype: [ident.eventType.system === "DCM" ? coding(DCM_SYSTEM, ident.eventType) : coding(IHE_EVENT_TYPE_SYSTEM, ident.eventType)],
    action: ident.action,
    recorded: record.occurredAt,
    outcome: OUTCOME_INDICATOR[record.outcome],
    ...(record.failure && { outcomeDesc: `${record.failure.code}: ${record.failure.reason}` }),
    ...(purpose !== undefined && { purposeOfEvent: [{ coding: [tokenCoding(purpose)] }] }),
    agent: agents(record),
    source: {
      ...(record.auditSource.enterpriseSiteId !== undefined && { site: record.auditSource.enterpriseSiteId }),
      observer: { display: record.auditSource.id },
      type: [{ system: SOURCE_TYPE_SYSTEM, code: "4", display: "Application Server" }],
    },
    entity: entities(record),
  };
}

/** As the DICOM message: client and server systems with their role ids (reversed in ITI-43), and the human requestor. */
function agents(record: AuditRecord): FhirAuditAgent[] {
  const human = record.requestor !== undefined && record.requestor.kind !== "system" ? record.requestor : undefined;
  const reversed = record.transaction === "ITI-43";
  const policy = record.grant ? [`${GRANT_POLICY_PREFIX}${record.grant.basis}`, ...(record.grant.emergency ? [`${GRANT_POLICY_PREFIX}emergency-access`] : [])] : undefined;
  const out: FhirAuditAgent[] = [];
  const clientId = record.client?.id ?? (record.requestor?.kind === "system" ? record.requestor.id : undefined);
  if (clientId !== undefined || record.client?.networkAddress !== undefined) {
    out.push({
      type: { coding: [coding(DCM_SYSTEM, reversed ? ROLE_ID.destination : ROLE_ID.source)] },
      who: { identifier: { value: clientId ?? record.client?.networkAddress ?? "unknown" } },
      requestor: human === undefined,
      ...(human === undefined && policy && { policy }),
      ...network(record.client?.networkAddress),
    });
  }
  if (record.destination) {
    out.push({
      type: { coding: [coding(DCM_SYSTEM, reversed ? ROLE_ID.source : ROLE_ID.destination)] },
      who: { identifier: { value: record.destination.endpoint } },
      requestor: false,
      ...network(record.destination.networkAddress),
    });
  }
  if (human) {
    out.push({
      type: { coding: [{ system: EXTRA_SECURITY_ROLE_SYSTEM, code: "humanuser", display: "human user" }] },
      ...(human.roles && human.roles.length > 0 && { role: human.roles.map((r) => ({ coding: [tokenCoding(r)] })) }),
      who: { identifier: { value: human.id }, ...(human.name !== undefined && { display: human.name }) },
      // ITI TF-2 3.40.4.2's alias<user@issuer>, which the DICOM message carries as UserName.
      ...(human.xuaUserName !== undefined && { altId: human.xuaUserName }),
      requestor: true,
      ...(human.name !== undefined && { name: human.name }),
      ...(policy && { policy }),
    });
  }
  return out;
}

function entities(record: AuditRecord): FhirAuditEntity[] {
  const out: FhirAuditEntity[] = record.patientIds.map((id) => ({
    what: { identifier: { value: id } },
    type: { system: ENTITY_TYPE_SYSTEM, code: OBJECT_TYPE.person, display: "Person" },
    role: { system: OBJECT_ROLE_SYSTEM, code: OBJECT_ROLE.patient, display: "Patient" },
    ...(record.transaction === "ITI-8" && record.messageId !== undefined && { detail: [{ type: DETAIL_TYPE.messageControlId, valueString: record.messageId }] }),
  }));
  for (const doc of record.documents ?? []) {
    const detail = [
      ...(doc.repositoryUniqueId !== undefined ? [{ type: DETAIL_TYPE.repositoryUniqueId, valueString: doc.repositoryUniqueId }] : []),
      ...(doc.homeCommunityId !== undefined ? [{ type: DETAIL_TYPE.documentHomeCommunityId, valueString: doc.homeCommunityId }] : []),
    ];
    out.push({
      what: { identifier: { value: doc.uniqueId } },
      type: systemObject(),
      role: { system: OBJECT_ROLE_SYSTEM, code: OBJECT_ROLE.report, display: "Report" },
      ...(detail.length > 0 && { detail }),
    });
  }
  if (record.submissionSetUniqueId !== undefined) {
    out.push({
      what: { identifier: { value: record.submissionSetUniqueId, system: OBJECT_ID_TYPE.submissionSet.code } },
      type: systemObject(),
      role: { system: OBJECT_ROLE_SYSTEM, code: OBJECT_ROLE.job, display: "Job" },
    });
  }
  if (record.query) {
    const detail: { type: string; valueString: string }[] = [{ type: DETAIL_TYPE.queryEncoding, valueString: "UTF-8" }];
    if (record.query.homeCommunityId !== undefined) detail.push({ type: DETAIL_TYPE.queryHomeCommunityId, valueString: record.query.homeCommunityId });
    out.push({
      what: { identifier: { value: record.query.storedQueryId } },
      type: systemObject(),
      role: { system: OBJECT_ROLE_SYSTEM, code: OBJECT_ROLE.query, display: "Query" },
      // R4 AuditEntity.query is base64Binary: the AdhocQueryRequest as the DICOM message carries it.
      ...(record.query.requestBase64 !== undefined && { query: record.query.requestBase64 }),
      detail,
    });
  }
  return out;
}

function systemObject(): FhirCoding {
  return { system: ENTITY_TYPE_SYSTEM, code: OBJECT_TYPE.systemObject, display: "System Object" };
}

function network(address: string | undefined): { network?: { address: string; type: "1" | "2" } } {
  if (address === undefined) return {};
  return { network: { address, type: networkAccessPointType(address) } };
}

function coding(system: string, value: CodedValue): FhirCoding {
  return { system, code: value.code, display: value.display };
}

function tokenCoding(token: string): FhirCoding {
  const { system, code } = splitCodeToken(token);
  return { system: system === LOCAL_CODE_SYSTEM ? LOCAL_CODE_SYSTEM_URI : system, code };
}
