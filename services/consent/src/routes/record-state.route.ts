import type { FastifyInstance } from "fastify";
import Type from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { closeRecord, reopenRecord } from "../domain/patient-rules.service.js";
import { findPatientSettings } from "../storage/patient-rules.repository.js";
import { patientContext } from "./patient-scope.js";
import { problemResponses } from "./problem.js";
import { ActorHeaders, PatientParams } from "./route-schemas.js";

const RecordReply = Type.Object({
  rulesVersion: Type.Integer(),
  state: Type.Union([Type.Literal("open"), Type.Literal("closed"), Type.Literal("reopened")]),
});

/**
 * The record's state. A closed record takes no new publication and admits no professional at all (not even in
 * emergency); the patient and the representatives keep read access. Reopening restores the rules as they were.
 */
export function registerRecordStateRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  app.get<{ Params: PatientParams }>(
    "/api/consent/patients/:patientId/record",
    { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: RecordReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN") } } },
    async (request) => {
      const ctx = await patientContext(deps, request, "see");
      const settings = await findPatientSettings(deps.db, ctx.patientId);
      return { rulesVersion: settings?.rulesVersion ?? 0, state: settings?.recordState ?? "open" };
    },
  );
  const transitions = [
    ["close", closeRecord, "closed"],
    ["reopen", reopenRecord, "reopened"],
  ] as const;
  for (const [path, transition, state] of transitions) {
    app.post<{ Params: PatientParams }>(
      `/api/consent/patients/:patientId/record/${path}`,
      { schema: { params: PatientParams, headers: ActorHeaders, response: { 200: RecordReply, ...problemResponses("CONSENT_ACTOR_MISSING", "CONSENT_FORBIDDEN", "CONSENT_RECORD_STATE_CONFLICT") } } },
      async (request) => {
        const { rulesVersion } = await transition(await patientContext(deps, request, "manage"));
        return { rulesVersion, state };
      },
    );
  }
}
