import { ACTION } from "@opendsp/ebxml";
import type { SoapOperation } from "@opendsp/soap";
import type { FastifyInstance } from "fastify";
import { createHttpApp, passSoapBodiesThrough, registerDatabaseHealthRoute, registerSoapEndpoint, type Logger } from "@opendsp/platform";
import { createRegisterOperation } from "./domain/register/iti-42-register.operation.js";
import { createStoredQueryOperation } from "./domain/stored-query/iti-18-stored-query.operation.js";
import type { RegistryDeps } from "./registry-deps.js";
import { REGISTRY_SOAP_PATH } from "./registry-soap-path.js";
import { registerDocumentsLookupRoute } from "./routes/documents-lookup.route.js";

import { registerPatientRoutes } from "./routes/patients.route.js";
import { registerStatisticsRoutes } from "./routes/statistics.route.js";

export { REGISTRY_SOAP_PATH };

/** Builds the registry's HTTP application; listening is server.ts's job, tests use `inject`. */
export function buildApp(deps: RegistryDeps, logger: Logger): FastifyInstance {
  const app = createHttpApp(logger);
  passSoapBodiesThrough(app);
  const operations = new Map<string, SoapOperation>([
    [ACTION.iti42.request, createRegisterOperation(deps, logger)],
    [ACTION.iti18.request, createStoredQueryOperation(deps, logger)],
  ]);
  const maxBytes = deps.config.REGISTRY_MAX_MESSAGE_BYTES;
  registerSoapEndpoint(app, REGISTRY_SOAP_PATH, operations, { maxRootBytes: maxBytes, maxTotalBytes: maxBytes });
  registerPatientRoutes(app, deps);
  registerDocumentsLookupRoute(app, deps);
  registerStatisticsRoutes(app, deps);
  registerDatabaseHealthRoute(app, deps.db);
  return app;
}
