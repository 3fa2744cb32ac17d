import { describeOnlyDeps, describedResponse, openApiDocumentOf } from "@opendsp/platform";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { loadAuditConfig } from "../config.js";
import { registerAuditApi } from "../routes/audit-api.js";

/** Where the generated document is committed, relative to the repository root (the gateway serves it at /docs). */
export const AUDIT_OPENAPI_FILE = "openapi/audit.json";

/** Summaries of the operations, keyed "METHOD url" as the routes declare them in routes/. */
const OPERATIONS: Readonly<Record<string, { summary: string; description: string; tag: string }>> = {
  "GET /api/audit/patients/:patientId/accesses": {
    tag: "history",
    summary: "Read the patient's access history",
    description:
      "Who accessed the record (professional id, name, organization, roles), when, what (IHE transaction, stored query id, " +
      "documents), under which right (grant basis, emergency) and with which outcome; newest first, with the total. " +
      "Page with limit and either the previous page's nextCursor or an offset. Readable by the patient, a representative " +
      "acting for them, and actors holding an auditor role (AUDIT_AUDITOR_ROLES); 403 AUDIT_FORBIDDEN for anyone else.",
  },
  "GET /fhir/AuditEvent": {
    tag: "fhir",
    summary: "Search AuditEvents (ITI-81)",
    description:
      "RESTful ATNA search: patient (CX), date (eq, ge, gt, le, lt; repeatable), outcome (0, 4, 8, 12), subtype (the IHE " +
      "transaction, e.g. urn:ihe:event-type-code|ITI-18), _count; a FHIR R4 searchset Bundle with a next link. The same " +
      "readers as the access history; a search without patient is for auditors. Errors are OperationOutcomes.",
  },
  "GET /api/audit/admin/dead-letter": {
    tag: "admin",
    summary: "List what could not be stored (auditors)",
    description: "Queue deliveries that failed for good, and records the HTTP intake refused, by event id and reason.",
  },
  "GET /api/audit/admin/received-messages": {
    tag: "admin",
    summary: "List the ITI-20 messages received over syslog (auditors)",
    description:
      "The audit messages external actors sent to the syslog receivers (RFC 5425 TLS, RFC 5426 UDP), newest first, each " +
      "with its raw text and, when it was a DICOM audit message, the fields read from it; unreadable ones have malformed " +
      "true and a stable errorCode. Filter with malformed=true|false; page with limit and the previous page's nextCursor.",
  },
  "POST /internal/audit-events": {
    tag: "intake",
    summary: "Deliver audit records without Redis (relays)",
    description:
      "AUDIT_DELIVERY's HTTP intake: a batch of AuditRecords, stored idempotently by eventId in one transaction. 400 " +
      "AUDIT_INTAKE_INVALID names the invalid records (nothing of the batch is stored); 413 AUDIT_INTAKE_TOO_LARGE; 503 " +
      "AUDIT_STORE_UNAVAILABLE when the store cannot be written (retry later). No X-OpenDSP-Actor: internal only.",
  },
};

const TAGS = [
  { name: "history", description: "The patient's access history" },
  { name: "fhir", description: "FHIR R4 AuditEvent search (RESTful ATNA, ITI-81)" },
  { name: "admin", description: "Operation of the audit repository" },
  { name: "intake", description: "Delivery of audit records by the platform's relays" },
];

const RESPONSES: Readonly<Record<string, string>> = {
  "200": "Done",
  "400": "The request does not match the schema (AUDIT_INVALID_REQUEST, AUDIT_INVALID_CURSOR, AUDIT_INTAKE_INVALID)",
  "401": "No or no valid X-OpenDSP-Actor (AUDIT_ACTOR_MISSING, AUDIT_ACTOR_INVALID)",
  "403": "The actor may not read this (AUDIT_FORBIDDEN)",
  "413": "The intake request is larger than AUDIT_INTAKE_MAX_BYTES (AUDIT_INTAKE_TOO_LARGE)",
  "500": "Internal error (AUDIT_INTERNAL)",
  "503": "The audit store cannot be written; nothing was stored (AUDIT_STORE_UNAVAILABLE)",
};

/**
 * The OpenAPI 3.1 document of the audit service's HTTP API, generated from the route schemas: the routes are
 * registered on an app that only describes them (no handler runs, so no database is needed).
 */
export async function buildAuditOpenApi(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 512 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OpenDSP audit API",
        version: "1",
        description:
          "The audit repository of the shared care record, sole writer of the audit store: the patient's access history, " +
          "the FHIR AuditEvent search (ITI-81), the dead letter, and the intake of the platform's relays. The acting party " +
          "comes in X-OpenDSP-Actor (base64url of JSON), set by the gateway after authentication. Patient ids are CX values " +
          "(id^^^&OID&ISO), URL-encoded in paths. JSON errors are RFC 9457 problem details (application/problem+json) with a " +
          "stable code.",
      },
      tags: TAGS,
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const operation = OPERATIONS[`${methods.join(",")} ${url}`];
      const responses = Object.fromEntries(Object.entries(schema.response ?? {}).map(([status, body]) => [status, describedResponse(status, body, RESPONSES[status] ?? "Response")]));
      const described = operation ? { summary: operation.summary, description: operation.description, tags: [operation.tag] } : {};
      return { schema: { ...schema, response: responses, ...described }, url };
    },
  });
  registerAuditApi(app, describeOnlyDeps<AuditDeps>(), defaultSettings());
  return openApiDocumentOf(app);
}

/** The document shows the default limits. */
function defaultSettings(): AuditSettings {
  return loadAuditConfig({});
}
