import { describeOnlyDeps, describedResponse, openApiDocumentOf } from "@opendsp/platform";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import { loadConsentConfig } from "../config.js";
import type { ConsentDeps, ConsentSettings } from "../consent-deps.js";
import { registerConsentApi } from "../routes/consent-api.js";

/** Where the generated document is committed, relative to the repository root (the gateway serves it at /docs). */
export const CONSENT_OPENAPI_FILE = "openapi/consent.json";

const P = "/api/consent/patients/:patientId";

/** Summaries of the operations, keyed "METHOD url" as the routes declare them in routes/. */
const OPERATIONS: Readonly<Record<string, { summary: string; description: string; tag: string }>> = {
  [`GET ${P}/trust-circle`]: { tag: "rules", summary: "List the trust circle", description: "Professionals the patient trusts; they may read the record." },
  [`PUT ${P}/trust-circle/:professionalId`]: { tag: "rules", summary: "Add a professional to the trust circle", description: "Adding one already there changes nothing (changed: false)." },
  [`DELETE ${P}/trust-circle/:professionalId`]: { tag: "rules", summary: "Remove a professional from the trust circle", description: "404 CONSENT_NOT_FOUND when not in it." },
  [`GET ${P}/blacklist`]: { tag: "rules", summary: "List the blacklist", description: "Professionals denied on every basis, emergency included." },
  [`PUT ${P}/blacklist/:professionalId`]: { tag: "rules", summary: "Blacklist a professional", description: "The blacklist beats the trust circle, the referring doctor, presence grants and emergency." },
  [`DELETE ${P}/blacklist/:professionalId`]: { tag: "rules", summary: "Take a professional off the blacklist", description: "404 CONSENT_NOT_FOUND when not on it." },
  [`GET ${P}/referring-doctor`]: { tag: "rules", summary: "Read the referring doctor", description: "null when none is declared." },
  [`PUT ${P}/referring-doctor`]: { tag: "rules", summary: "Declare or change the referring doctor", description: "The referring doctor reads and publishes by default." },
  [`DELETE ${P}/referring-doctor`]: { tag: "rules", summary: "Remove the referring doctor", description: "404 CONSENT_NOT_FOUND when none is declared." },
  [`POST ${P}/presence-codes`]: {
    tag: "presence",
    summary: "Issue a presence code",
    description: "A one-off code of 8 characters, shown once (stored hashed), valid CONSENT_PRESENCE_CODE_TTL_SECONDS; a professional who presents it gets read access for CONSENT_PRESENCE_GRANT_SECONDS. 409 CONSENT_RECORD_CLOSED on a closed record.",
  },
  [`POST ${P}/presence-grants`]: {
    tag: "presence",
    summary: "Present a presence code (professional)",
    description: "Starts a presence grant; 403 CONSENT_BAD_PRESENCE_CODE for a wrong, used or expired code; 429 CONSENT_LOCKED_OUT (with Retry-After) after too many wrong codes, even with the right one.",
  },
  [`GET ${P}/emergency-access`]: { tag: "rules", summary: "Read the emergency access setting", description: "Break-the-glass access is allowed unless refused." },
  [`PUT ${P}/emergency-access`]: { tag: "rules", summary: "Refuse or allow emergency access", description: "A refusal denies break-the-glass requests." },
  [`GET ${P}/masked-documents`]: { tag: "rules", summary: "List masked documents", description: "Documents hidden from professionals other than their authors." },
  [`PUT ${P}/masked-documents/:documentUniqueId`]: { tag: "rules", summary: "Mask a document", description: "By XDS document uniqueId (URL-encoded). The patient and representatives still see it." },
  [`DELETE ${P}/masked-documents/:documentUniqueId`]: { tag: "rules", summary: "Unmask a document", description: "404 CONSENT_NOT_FOUND when not masked." },
  [`GET ${P}/representatives`]: { tag: "rules", summary: "List representatives and companions", description: "Persons who act for the patient, with their rights." },
  [`PUT ${P}/representatives/:personId`]: { tag: "rules", summary: "Add or change a representative", description: "rights: read (see the record), manage (change its access rules)." },
  [`DELETE ${P}/representatives/:personId`]: { tag: "rules", summary: "Remove a representative", description: "404 CONSENT_NOT_FOUND when not one." },
  [`GET ${P}/record`]: { tag: "record", summary: "Read the record's state", description: "open, closed or reopened." },
  [`POST ${P}/record/close`]: { tag: "record", summary: "Close the record", description: "No new publication and no professional access at all; the patient and representatives keep read access. Running presence grants and unused codes end. 409 when already closed." },
  [`POST ${P}/record/reopen`]: { tag: "record", summary: "Reopen a closed record", description: "The rules are as they were before closing. 409 unless closed." },
  [`GET ${P}/changes`]: { tag: "record", summary: "List the changes to the rules", description: "Who changed what and when, with the rules version each produced; newest first, paged by limit and offset." },
  [`GET ${P}/access-grants`]: { tag: "record", summary: "List running presence grants and emergency accesses", description: "What the patient must be told: who has access through a presence code now, who broke the glass." },
  "POST /api/consent/decisions": {
    tag: "decisions",
    summary: "Decide an access (gateway)",
    description:
      "May this actor read or publish for this patient? Internal: the gateway asks on behalf of an actor it authenticated, with no X-OpenDSP-Actor header. The answer carries the rules version (cache key), masked documents and validUntil.",
  },
  "GET /internal/statistics": {
    tag: "statistics",
    summary: "Count the professionals patients declared (gateway)",
    description:
      "Distinct professionals in trust circles or declared as referring doctor, and the patients who declared them, counted live. Aggregates only. Internal: the gateway combines them with the registry's document statistics for its public GET /api/stats; it does not forward this route.",
  },
};

const TAGS = [
  { name: "rules", description: "The patient's access rules (patient, or representative with the manage right to change them)" },
  { name: "presence", description: "Presence codes and the grants they start" },
  { name: "record", description: "Record state, change log and access grants" },
  { name: "decisions", description: "The decision API for the gateway" },
  { name: "statistics", description: "Aggregate counts for the published statistics" },
];

/**
 * The OpenAPI 3.1 document of the consent JSON API, generated from the route schemas: the routes are registered on
 * an app that only describes them (no handler runs, so no database is needed).
 */
export async function buildConsentOpenApi(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 512 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OpenDSP consent API",
        version: "1",
        description:
          "The patient-controlled access model of the shared care record: trust circle, referring doctor, presence codes, " +
          "blacklist, emergency access, masked documents, representatives, record state, and the decision API. The acting " +
          "party comes in X-OpenDSP-Actor (base64url of JSON), set by the gateway after authentication. Patient ids are CX " +
          "values (id^^^&OID&ISO), URL-encoded in paths. Errors are RFC 9457 problem details (application/problem+json) " +
          "with a stable code.",
      },
      tags: TAGS,
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const operation = OPERATIONS[`${methods.join(",")} ${url}`];
      const responses = Object.fromEntries(Object.entries(schema.response ?? {}).map(([status, body]) => [status, describedResponse(status, body, RESPONSES[status] ?? "Response")]));
      const described_ = operation ? { summary: operation.summary, description: operation.description, tags: [operation.tag] } : {};
      return { schema: { ...schema, response: responses, ...described_ }, url };
    },
  });
  registerConsentApi(app, describeOnlyDeps<ConsentDeps>(), defaultSettings());
  return openApiDocumentOf(app);
}

const RESPONSES: Readonly<Record<string, string>> = {
  "200": "Done",
  "201": "Created",
  "400": "The request does not match the schema (CONSENT_INVALID_REQUEST, CONSENT_INVALID_PATIENT_ID)",
  "401": "No or no valid X-OpenDSP-Actor (CONSENT_ACTOR_MISSING, CONSENT_ACTOR_INVALID)",
  "403": "The actor may not do this (CONSENT_FORBIDDEN), or a wrong presence code (CONSENT_BAD_PRESENCE_CODE)",
  "404": "Nothing to remove (CONSENT_NOT_FOUND)",
  "409": "The record's state does not allow it (CONSENT_RECORD_CLOSED, CONSENT_RECORD_STATE_CONFLICT)",
  "429": "Locked out after too many wrong presence codes (CONSENT_LOCKED_OUT)",
  "500": "Internal error; nothing was changed (CONSENT_INTERNAL)",
};

/** The schemas do not depend on the settings; the defaults serve. */
function defaultSettings(): ConsentSettings {
  return loadConsentConfig({});
}
