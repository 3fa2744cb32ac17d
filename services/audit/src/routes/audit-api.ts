import type { FastifyInstance } from "fastify";
import { strictValidatorCompiler } from "@opendsp/platform";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { registerAccessHistoryRoute } from "./access-history.route.js";
import { registerDeadLetterRoute } from "./dead-letter.route.js";
import { registerFhirAuditEventRoute } from "./fhir-audit-event.route.js";
import { registerIntakeRoute } from "./intake.route.js";
import { installProblemHandler } from "./problem.js";
import { registerReceivedMessagesRoute } from "./received-messages.route.js";

/**
 * The audit service's HTTP API, in one encapsulated scope so its error handlers apply to these routes only: the JSON
 * API under /api/audit and the intake answer RFC 9457 problems, /fhir answers OperationOutcomes. The OpenAPI
 * generator registers the same function.
 *
 * NOT REACHABLE FROM OUTSIDE: the gateway authenticates callers and sets X-OpenDSP-Actor; the service must only
 * listen where the gateway and the relays alone reach it (AUDIT_HOST, default 127.0.0.1).
 */
export function registerAuditApi(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  void app.register((scope, _options, done) => {
    installProblemHandler(scope);
    scope.setValidatorCompiler(strictValidatorCompiler);
    registerAccessHistoryRoute(scope, deps, settings);
    registerDeadLetterRoute(scope, deps, settings);
    registerReceivedMessagesRoute(scope, deps, settings);
    registerIntakeRoute(scope, deps, settings);
    registerFhirAuditEventRoute(scope, deps, settings);
    done();
  });
}
