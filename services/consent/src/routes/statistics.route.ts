import type { FastifyInstance } from "fastify";
import Type from "typebox";
import type { ConsentDeps } from "../consent-deps.js";
import { countDeclaredProfessionals } from "../storage/declared-professionals.repository.js";
import { problemResponses } from "./problem.js";
import { DateTime } from "./route-schemas.js";

export const STATISTICS_PATH = "/internal/statistics";

const Count = Type.Integer({ minimum: 0 });

export const ConsentStatisticsReply = Type.Object({
  generatedAt: DateTime,
  professionalsDeclared: Type.Integer({ minimum: 0, description: "Distinct professionals in a trust circle or declared as referring doctor" }),
  trustCircleProfessionals: Type.Integer({ minimum: 0, description: "Distinct professionals in at least one trust circle" }),
  patientsWithTrustCircle: Count,
  referringDoctors: Type.Integer({ minimum: 0, description: "Distinct professionals declared as referring doctor" }),
  patientsWithReferringDoctor: Count,
});

/**
 * The professionals declared by patients, for the statistics the gateway publishes: aggregates only, counted live.
 * Internal like the decision API: the gateway asks it, with no X-OpenDSP-Actor header, and does not forward it.
 */
export function registerStatisticsRoute(app: FastifyInstance, deps: ConsentDeps): void {
  app.get(STATISTICS_PATH, { schema: { response: { 200: ConsentStatisticsReply, ...problemResponses() } } }, async () => ({
    generatedAt: deps.now().toISOString(),
    ...(await countDeclaredProfessionals(deps.db)),
  }));
}
