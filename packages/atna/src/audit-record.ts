import Type, { type Static } from "typebox";
import { Compile } from "typebox/compile";
import Value from "typebox/value";
import { AtnaError } from "./atna-error.js";
import { sideOf } from "./audit-codes.js";

const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/** xs:dateTime with a mandatory offset (DICOM PS3.15 A.5.1 EventDateTime); a local time without zone is ambiguous. */
const DATE_TIME_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$";

const Id = Type.String({ minLength: 1, maxLength: 256 });
const Text = Type.String({ minLength: 1, maxLength: 1024 });

/**
 * The one audit event every OpenDSP service emits and the audit service stores; it is also the payload of the
 * audit delivery job. JSON only, every string bounded, unknown fields refused so a misspelt field is never lost
 * silently. The DICOM audit message (ITI-20) and the FHIR AuditEvent are both derived from it.
 */
export const AuditRecordSchema = Type.Object(
  {
    /** UUID of the event; the idempotency key, used as the job id and as the stored row's key. */
    eventId: Type.String({ pattern: UUID_PATTERN }),
    /** When the audited event happened (DICOM EventDateTime), ISO 8601 with an offset. */
    occurredAt: Type.String({ pattern: DATE_TIME_PATTERN, maxLength: 40 }),
    /** The IHE transaction audited; ITI-40 records an XUA assertion the gateway refused. */
    transaction: Type.Union([
      Type.Literal("ITI-18"),
      Type.Literal("ITI-41"),
      Type.Literal("ITI-42"),
      Type.Literal("ITI-43"),
      Type.Literal("ITI-8"),
      Type.Literal("ITI-40"),
    ]),
    /**
     * The actor side that recorded the event. "source"/"destination" are the generic initiator/responder;
     * "gateway" records as the responder the external client sees. See `sideOf` for the accepted pairs.
     */
    role: Type.Union([
      Type.Literal("source"),
      Type.Literal("destination"),
      Type.Literal("registry"),
      Type.Literal("repository"),
      Type.Literal("consumer"),
      Type.Literal("gateway"),
    ]),
    /** DICOM EventOutcomeIndicator 0, 4, 8, 12. */
    outcome: Type.Union([
      Type.Literal("success"),
      Type.Literal("minor-failure"),
      Type.Literal("serious-failure"),
      Type.Literal("major-failure"),
    ]),
    /** The service that wrote the record (DICOM AuditSourceIdentification). */
    auditSource: Type.Object(
      {
        id: Id,
        enterpriseSiteId: Type.Optional(Id),
        service: Type.String({ minLength: 1, maxLength: 64 }),
      },
      { additionalProperties: false },
    ),
    /**
     * Who asked: a person (written as the human requestor, UserIsRequestor=true) or a system (then the source
     * system itself is the requestor). `id` is the XUA subject or the system's certificate identity.
     */
    requestor: Type.Optional(
      Type.Object(
        {
          kind: Type.Union([
            Type.Literal("patient"),
            Type.Literal("representative"),
            Type.Literal("professional"),
            Type.Literal("system"),
            Type.Literal("unknown"),
          ]),
          id: Id,
          /** Role codes, "system|code" or a bare code (DICOM RoleIDCode of the human requestor). */
          roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 32 })),
          organizationId: Type.Optional(Id),
          /** "system|code" or a bare code (DICOM EventIdentification/PurposeOfUse). */
          purposeOfUse: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          /** Display name, for the access history. */
          name: Type.Optional(Id),
          /**
           * The XUA identity as ITI TF-2 3.40.4.2 asks audit messages to record it in UserName:
           * alias<user@issuer> (SAML Subject SPProvidedID, NameID and Issuer).
           */
          xuaUserName: Type.Optional(Type.String({ minLength: 1, maxLength: 768 })),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * The system that sent the request: `id` is its wsa:ReplyTo (MSH-3|MSH-4 for ITI-8), `networkAddress` its host
     * name or IP address. ITI TF-2 names it the "Source" participant, except in ITI-43 where the data flows back
     * and the requesting consumer is the "Destination".
     */
    client: Type.Optional(
      Type.Object({ id: Type.Optional(Id), networkAddress: Type.Optional(Id) }, { additionalProperties: false }),
    ),
    /** The system that answered the request: its SOAP endpoint URI (MSH-5|MSH-6 for ITI-8) and host. */
    destination: Type.Optional(
      Type.Object({ endpoint: Id, networkAddress: Type.Optional(Id) }, { additionalProperties: false }),
    ),
    /** Patient identifiers in HL7 CX form (id^^^&oid&ISO); several for a merge. */
    patientIds: Type.Array(Id, { maxItems: 64 }),
    /** Under which right the access was allowed (the access history shown to the patient names it). */
    grant: Type.Optional(
      Type.Object(
        {
          basis: Type.Union([
            Type.Literal("patient"),
            Type.Literal("representative"),
            Type.Literal("referring-doctor"),
            Type.Literal("trust-circle"),
            Type.Literal("presence-grant"),
            Type.Literal("emergency"),
            Type.Literal("system"),
          ]),
          emergency: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    /** Documents read or written (ITI-43 ParticipantObjects; ITI-41/42 entries for the history). */
    documents: Type.Optional(
      Type.Array(
        Type.Object(
          { uniqueId: Id, repositoryUniqueId: Type.Optional(Id), homeCommunityId: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    /** XDSSubmissionSet.uniqueId of an ITI-41/42 submission. */
    submissionSetUniqueId: Type.Optional(Id),
    /** ITI-18 stored query: its id (UUID URN), the AdhocQueryRequest as base64, the community asked. */
    query: Type.Optional(
      Type.Object(
        {
          storedQueryId: Id,
          requestBase64: Type.Optional(Type.String({ minLength: 1, maxLength: 262_144, pattern: "^[A-Za-z0-9+/]*={0,2}$" })),
          homeCommunityId: Type.Optional(Id),
        },
        { additionalProperties: false },
      ),
    ),
    /** ITI-8: Create (A01/A04/A05) or Update (A08/A40) of the patient record (ITI TF-2 3.8.5.1 EventActionCode). */
    feedAction: Type.Optional(Type.Union([Type.Literal("create"), Type.Literal("update")])),
    /** wsa:MessageID of the request, or MSH-10 for ITI-8. */
    messageId: Type.Optional(Id),
    /** Why it failed: a stable error code and a reason that holds no patient data. */
    failure: Type.Optional(
      Type.Object({ code: Type.String({ minLength: 1, maxLength: 128 }), reason: Text }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export type AuditRecord = Static<typeof AuditRecordSchema>;
export type AuditTransaction = AuditRecord["transaction"];
export type AuditRole = AuditRecord["role"];
export type AuditOutcome = AuditRecord["outcome"];

/**
 * The schema compiled once: every record is checked where it is written, and again by the audit service, so the
 * check runs per audited request; the compiled form is several times faster than interpreting the schema each time.
 */
const auditRecordValidator = Compile(AuditRecordSchema);

/** Whether an xs:dateTime that matched DATE_TIME_PATTERN names a real instant (month, day of month, hour, minute, second, offset). */
function isRealDateTime(value: string): boolean {
  const [, y, mo, d, h, mi, se, zone] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(.*)$/.exec(value) ?? [];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const zoneOk = zone === "Z" || (Number(zone?.slice(1, 3)) <= 14 && Number(zone?.slice(4, 6)) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && Number(h) <= 23 && Number(mi) <= 59 && Number(se) <= 59 && zoneOk;
}

/** Checks a record strictly (schema, then the transaction/role pair); throws AtnaError with a stable code. */
export function parseAuditRecord(json: unknown): AuditRecord {
  if (!auditRecordValidator.Check(json)) {
    const first = [...Value.Errors(AuditRecordSchema, json)][0];
    const where = first ? `${first.instancePath || "(root)"} ${first.message}` : "invalid";
    throw new AtnaError("ATNA_RECORD_INVALID", `not an audit record: ${where}`);
  }
  // The pattern admits 2026-13-45T25:61:61Z; such a record could never be stored (the store's timestamptz refuses it)
  // and would retry until the dead letter, so it is refused here as malformed.
  if (!isRealDateTime(json.occurredAt)) {
    throw new AtnaError("ATNA_RECORD_INVALID", "not an audit record: /occurredAt is not a real date and time");
  }
  if (sideOf(json.transaction, json.role) === undefined) {
    throw new AtnaError("ATNA_RECORD_ROLE", `${json.transaction} is not recorded by the ${json.role} role`);
  }
  return json;
}
