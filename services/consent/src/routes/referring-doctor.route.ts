import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { removeReferringDoctor, setReferringDoctor } from "../domain/patient-rules.service.js";
import { findPatientSettings } from "../storage/patient-rules.repository.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, ChangeReply, PatientParams, ProfessionalId } from "./route-schemas.js";

const ReferringDoctorReply = Type.Object({ rulesVersion: Type.Integer(), professionalId: Type.Union([Type.String(), Type.Null()]) });
const ReferringDoctorBody = Type.Object({ professionalId: ProfessionalId }, { additionalProperties: false });
type ReferringDoctorBody = Static<typeof ReferringDoctorBody>;

/** The referring doctor: one professional, with read access by default; declared, changed or removed. */
export function registerReferringDoctorRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  const url = "/api/consent/patients/:patientId/referring-doctor";
  app.get<{ Params: PatientParams }>(
    url,
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: ReferringDoctorReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const settings = await findPatientSettings(deps.db, ctx.patientId);
      return { rulesVersion: settings?.rulesVersion ?? 0, professionalId: settings?.referringDoctor ?? null };
    },
  );
  app.put<{ Params: PatientParams; Body: ReferringDoctorBody }>(
    url,
    { schema: { params: PatientParams, headers: ActorHeaders, body: ReferringDoctorBody, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => setReferringDoctor(await patientContext(deps, request, "manage"), request.body.professionalId),
  );
  app.delete<{ Params: PatientParams }>(
    url,
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_NOT_FOUND") } } },
    async (request) => removeReferringDoctor(await patientContext(deps, request, "manage")),
  );
}
