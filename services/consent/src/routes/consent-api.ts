import type { FastifyInstance } from "fastify";
import { strictValidatorCompiler } from "@opendsp/platform";
import type { ConsentDeps, ConsentSettings } from "../consent-deps.js";
import { registerAccessGrantsRoute } from "./access-grants.route.js";
import { registerChangesRoute } from "./changes.route.js";
import { registerDecisionRoute } from "./decisions.route.js";
import { registerEmergencyAccessRoutes } from "./emergency-access.route.js";
import { registerMaskedDocumentRoutes } from "./masked-documents.route.js";
import { registerPresenceRoutes } from "./presence.route.js";
import { installProblemHandler } from "./problem.js";
import { registerProfessionalListRoutes } from "./professional-lists.route.js";
import { registerRecordStateRoutes } from "./record-state.route.js";
import { registerReferringDoctorRoutes } from "./referring-doctor.route.js";
import { registerRepresentativeRoutes } from "./representatives.route.js";
import { registerStatisticsRoute } from "./statistics.route.js";

/**
 * The consent JSON API under /api/consent, in one encapsulated scope so its problem+json error handler applies to
 * these routes only. The OpenAPI generator registers the same function.
 *
 * NOT REACHABLE FROM OUTSIDE: the gateway authenticates callers and sets X-OpenDSP-Actor; the service must only
 * listen where the gateway alone reaches it (CONSENT_HOST, default 127.0.0.1).
 */
export function registerConsentApi(app: FastifyInstance, deps: ConsentDeps, settings: ConsentSettings): void {
  void app.register((scope, _options, done) => {
    installProblemHandler(scope);
    scope.setValidatorCompiler(strictValidatorCompiler);
    registerProfessionalListRoutes(scope, deps);
    registerReferringDoctorRoutes(scope, deps);
    registerPresenceRoutes(scope, deps, settings);
    registerEmergencyAccessRoutes(scope, deps);
    registerMaskedDocumentRoutes(scope, deps);
    registerRepresentativeRoutes(scope, deps);
    registerRecordStateRoutes(scope, deps);
    registerChangesRoute(scope, deps);
    registerAccessGrantsRoute(scope, deps);
    registerDecisionRoute(scope, deps);
    registerStatisticsRoute(scope, deps);
    done();
  });
}
