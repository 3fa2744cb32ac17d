import type { FastifyInstance } from "fastify";
import Type from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { maskDocument, unmaskDocument } from "../domain/patient-rules.service.js";
import { listMaskedDocuments } from "../storage/patient-rules.repository.js";
import { patientContext, rulesVersionOf } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, ChangeReply, DateTime, DocumentParams, PatientParams } from "./route-schemas.js";

const MaskedReply = Type.Object({
  rulesVersion: Type.Integer(),
  items: Type.Array(Type.Object({ documentUniqueId: Type.String(), maskedAt: DateTime })),
});

/** Documents the patient hides from professionals (their authors still see them; the registry checks authorship). */
export function registerMaskedDocumentRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  app.get<{ Params: PatientParams }>(
    "/api/consent/patients/:patientId/masked-documents",
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: MaskedReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const items = await listMaskedDocuments(deps.db, ctx.patientId);
      return { rulesVersion: await rulesVersionOf(deps, ctx.patientId), items: items.map((i) => ({ documentUniqueId: i.documentUniqueId, maskedAt: i.maskedAt.toISOString() })) };
    },
  );
  app.put<{ Params: DocumentParams }>(
    "/api/consent/patients/:patientId/masked-documents/:documentUniqueId",
    { schema: { params: DocumentParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => maskDocument(await patientContext(deps, request, "manage"), request.params.documentUniqueId),
  );
  app.delete<{ Params: DocumentParams }>(
    "/api/consent/patients/:patientId/masked-documents/:documentUniqueId",
    { schema: { params: DocumentParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_NOT_FOUND") } } },
    async (request) => unmaskDocument(await patientContext(deps, request, "manage"), request.params.documentUniqueId),
  );
}
