import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { setEmergencyAccessRefused } from "../domain/patient-rules.service.js";
import { findPatientSettings } from "../storage/patient-rules.repository.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, ChangeReply, PatientParams } from "./route-schemas.js";

const EmergencyAccessReply = Type.Object({ rulesVersion: Type.Integer(), refused: Type.Boolean() });
const EmergencyAccessBody = Type.Object({ refused: Type.Boolean() }, { additionalProperties: false });
type EmergencyAccessBody = Static<typeof EmergencyAccessBody>;

/** Whether the patient refuses break-the-glass access; allowed unless refused. */
export function registerEmergencyAccessRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  const url = "/api/consent/patients/:patientId/emergency-access";
  app.get<{ Params: PatientParams }>(
    url,
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: EmergencyAccessReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const settings = await findPatientSettings(deps.db, ctx.patientId);
      return { rulesVersion: settings?.rulesVersion ?? 0, refused: settings?.emergencyRefused ?? false };
    },
  );
  app.put<{ Params: PatientParams; Body: EmergencyAccessBody }>(
    url,
    { schema: { params: PatientParams, headers: ActorHeaders, body: EmergencyAccessBody, response: { 200: ChangeReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => setEmergencyAccessRefused(await patientContext(deps, request, "manage"), request.body.refused),
  );
}
