import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import { lookupDocuments, MAX_LOOKUP_IDS } from "../domain/document-lookup/document-lookup.service.js";
import type { RegistryDeps } from "../registry-deps.js";
import { answerErrorsAsProblems, Problem } from "./problem-details.js";

/*
 * POST /api/documents/lookup: the facts the gateway checks for each document of an ITI-43 request (its patient,
 * repository, status and authors) before releasing it. An internal API of the gateway: it is not among the /api/
 * routes the gateway forwards, and the registry listens where only the gateway reaches it (REGISTRY_HOST).
 *
 * The answer holds patient ids, so the route logs at "warn" and above only: patient identifiers are never logged.
 */

export const DOCUMENTS_LOOKUP_PATH = "/api/documents/lookup";

const LookupBody = Type.Object(
  {
    documentUniqueIds: Type.Array(Type.String({ minLength: 1, maxLength: 128, description: "A DocumentEntry uniqueId (ITI TF-3 4.2.3.2.26)" }), {
      maxItems: MAX_LOOKUP_IDS,
    }),
  },
  { additionalProperties: false },
);
type LookupBody = Static<typeof LookupBody>;

const LookupReply = Type.Object({
  documents: Type.Array(
    Type.Object({
      uniqueId: Type.String(),
      repositoryUniqueId: Type.Union([Type.String(), Type.Null()], { description: "The repository holding the document; null if the entry names none" }),
      patientId: Type.String({ description: "The CX patient id the entry is registered under (id^^^&OID&ISO)" }),
      status: Type.String({ description: "availabilityStatus URN, e.g. urn:oasis:names:tc:ebxml-regrep:StatusType:Approved" }),
      authorIds: Type.Array(Type.String(), { description: "XCN.1 (the text before the first ^) of each authorPerson that has one, distinct" }),
    }),
    { description: "One item per registered DocumentEntry; a uniqueId registered in two submission sets gives two items, an unknown one none" },
  ),
});

export function registerDocumentsLookupRoute(app: FastifyInstance, deps: RegistryDeps): void {
  // An encapsulated scope, so its error handler (problem+json) applies to this route only.
  void app.register((scope, _options, done) => {
    answerErrorsAsProblems(scope, "document lookup API", "The registry could not look the documents up");
    scope.post<{ Body: LookupBody }>(
      DOCUMENTS_LOOKUP_PATH,
      { logLevel: "warn", schema: { body: LookupBody, response: { 200: LookupReply, 400: Problem, 500: Problem } } },
      async (request) => ({ documents: await lookupDocuments(deps.db, request.body.documentUniqueIds) }),
    );
    done();
  });
}
