import { describeOnlyDeps, describedResponse, openApiDocumentOf } from "@opendsp/platform";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import type { RegistryDeps } from "../registry-deps.js";
import { registerDocumentsLookupRoute } from "../routes/documents-lookup.route.js";
import { registerPatientRoutes } from "../routes/patients.route.js";
import { registerStatisticsRoutes } from "../routes/statistics.route.js";

/** Where the generated document is committed, relative to the repository root (the gateway serves it at /docs). */
export const REGISTRY_ADMIN_OPENAPI_FILE = "openapi/registry-admin.json";

interface OperationText {
  readonly summary: string;
  readonly description: string;
  /** Response descriptions that differ from RESPONSES, by status. */
  readonly responses?: Readonly<Record<string, string>>;
}

/** Summaries of the operations, keyed "METHOD url" as the routes are declared in routes/. */
const OPERATIONS: Readonly<Record<string, OperationText>> = {
  "PUT /api/patients/:patientId": {
    summary: "Add or update a patient id",
    description:
      "Adds a patient id of the affinity domain (201) or updates a known one (200); a merged id is re-activated. " +
      "The same rules and transaction as an ITI-8 A01/A04/A05/A08 feed message.",
  },
  "GET /api/patients/:patientId": {
    summary: "Read a patient id's status",
    description: "Answers whether the id is active, or merged and into which surviving id.",
  },
  "POST /api/patients/merge": {
    summary: "Merge two patient ids",
    description:
      "Merges the subsumed id into the surviving one, exactly as an ITI-8 A40 does: the subsumed id's document " +
      "entries, submission sets and folders move to the surviving id. Repeating a merge is harmless.",
  },
  "POST /api/documents/lookup": {
    summary: "Look documents up for an ITI-43 authorization",
    description:
      "For each DocumentEntry registered under one of the uniqueIds (at most 1000): its patient, repository, " +
      "availabilityStatus and the ids (XCN.1) of its authorPersons. Unknown uniqueIds are left out; a uniqueId " +
      "registered in several submission sets gives one item per entry. Used by the gateway before it releases the " +
      "documents of a Retrieve Document Set request; the gateway does not forward this route.",
    responses: { "200": "The documents found", "400": "The body does not match the schema" },
  },
  "GET /api/stats": {
    summary: "Read the document statistics",
    description:
      "Documents registered per month (UTC) and DSP category (mapped from the classCode, else the typeCode, of the " +
      "affinity domain's codes), and the records (patients) holding at least one document. Kept by jobs that follow " +
      "each ITI-42 registration and a periodic recount, so a registration shows after a short delay. Aggregates only.",
    responses: { "200": "The statistics", "500": "Internal error" },
  },
  "GET /api/stats.csv": {
    summary: "Read the document statistics as CSV",
    description: "The same numbers as GET /api/stats, as an RFC 4180 table (text/csv): one line per month, a column per category.",
    responses: { "200": "The statistics table", "500": "Internal error" },
  },
};

/** The tag of a route: the resource after /api/. */
const TAGS = [
  { name: "patients", description: "Patient identities" },
  { name: "documents", description: "Registered documents" },
  { name: "stats", description: "Aggregate statistics" },
] as const;

/**
 * The OpenAPI 3.1 document of the registry's JSON admin API, generated from the route schemas: the routes are
 * registered on an app that only describes them (no handler runs, so no database is needed).
 */
export async function buildRegistryAdminOpenApi(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 512 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OpenDSP registry admin API",
        version: "1",
        description:
          "Patient identities of the document registry, beside the ITI-8 patient identity feed (ITI TF-2a 3.8), and " +
          "the document lookup the gateway authorizes Retrieve Document Set requests with. Patient ids are CX " +
          "values of the affinity domain (id^^^&OID&ISO), URL-encoded in paths. Errors are RFC 9457 problem " +
          "details (application/problem+json).",
      },
      tags: [...TAGS],
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const { responses: texts, ...operation } = OPERATIONS[`${methods.join(",")} ${url}`] ?? {};
      const responses = Object.fromEntries(Object.entries(schema.response ?? {}).map(([status, body]) => [status, describedResponse(status, body, texts?.[status] ?? RESPONSES[status] ?? "Response")]));
      const tag = TAGS.find((t) => url.startsWith(`/api/${t.name}/`) || url === `/api/${t.name}` || url.startsWith(`/api/${t.name}.`))?.name;
      return { schema: { ...schema, response: responses, ...(tag === undefined ? {} : { tags: [tag] }), ...operation }, url };
    },
  });
  const deps = describeOnlyDeps<RegistryDeps>();
  registerPatientRoutes(app, deps);
  registerDocumentsLookupRoute(app, deps);
  registerStatisticsRoutes(app, deps);
  return openApiDocumentOf(app);
}

const RESPONSES: Readonly<Record<string, string>> = {
  "200": "Done",
  "201": "Created",
  "400": "The patient id is not one of the affinity domain, or the body does not match the schema",
  "404": "Unknown patient id",
  "409": "The merge cannot be applied",
  "500": "Internal error; nothing was changed",
};

