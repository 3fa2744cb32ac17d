export { AtnaError, type AtnaErrorCode } from "./atna-error.js";
export {
  AuditRecordSchema,
  parseAuditRecord,
  type AuditOutcome,
  type AuditRecord,
  type AuditRole,
  type AuditTransaction,
} from "./audit-record.js";
export {
  ANONYMOUS_REPLY_TO,
  DETAIL_TYPE,
  EVENT_ID,
  EVENT_TYPE,
  LOGIN_EVENT_TYPE,
  OBJECT_ID_TYPE,
  OBJECT_ROLE,
  OBJECT_TYPE,
  OUTCOME_INDICATOR,
  ROLE_ID,
  eventIdentificationOf,
  sideOf,
  type CodedValue,
  type EventActionCode,
  type EventIdentification,
  type Side,
} from "./audit-codes.js";
export { toDicomAuditMessage } from "./dicom-audit-message.writer.js";
export {
  readDicomAuditMessage,
  type ReadAuditMessageCode,
  type ReadAuditMessageResult,
  type ReceivedAuditMessage,
  type ReceivedAuditSource,
  type ReceivedParticipant,
  type ReceivedParticipantObject,
} from "./dicom-audit-message.reader.js";
export { toFhirAuditEvent, type FhirAuditAgent, type FhirAuditEntity, type FhirAuditEvent, type FhirCoding } from "./fhir-audit-event.js";
export {
  AUTHPRIV_FACILITY,
  IHE_AUDIT_MSGID,
  formatSyslogMessage,
  parseSyslogDatagram,
  parseSyslogMessage,
  type SyslogMessage,
  type SyslogMessageInput,
  type SyslogStructuredData,
} from "./syslog.js";
export { createOctetCountingFramer, frameOctetCounted, type OctetCountingFramer } from "./syslog-framing.js";
export {
  AUDIT_DELIVERY,
  type AuditIntakeRefusal,
  type AuditIntakeRequest,
  type AuditIntakeResponse,
  type RecordAuditEventPayload,
} from "./audit-delivery.js";
