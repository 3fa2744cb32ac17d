import { ACTION } from "@opendsp/ebxml";
import type { SoapOperation } from "@opendsp/soap";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "@opendsp/platform";
import { createRegisterOperation } from "./domain/register/iti-42-register.operation.js";
import { createStoredQueryOperation } from "./domain/stored-query/iti-18-stored-query.operation.js";
import type { RegistryDeps } from "./registry-deps.js";
import { registerHealthRoute } from "./routes/health.route.js";
import { registerPatientRoutes } from "./routes/patients.route.js";
import { passSoapBodiesThrough, registerSoapEndpoint } from "./routes/soap-endpoint.route.js";

/** The SOAP endpoint path; the gateway routes /xds/registry here. */
export const REGISTRY_SOAP_PATH = "/xds/registry";

/** Builds the registry's HTTP application; listening is server.ts's job, tests use `inject`. */
export function buildApp(deps: RegistryDeps, logger: Logger): FastifyInstance {
  // Typed as Fastify's base logger so routes take the plain FastifyInstance; it is the same pino instance.
  const base: FastifyBaseLogger = logger;
  // Patient ids travel URL-encoded in admin routes; a CX with a long OID exceeds the default 100 characters.
  // Request lines are not logged: URLs can hold patient ids; each route logs its own outcome line.
  const app = Fastify({ loggerInstance: base, routerOptions: { maxParamLength: 512 }, disableRequestLogging: true });
  passSoapBodiesThrough(app);
  const operations = new Map<string, SoapOperation>([
    [ACTION.iti42.request, createRegisterOperation(deps, logger)],
    [ACTION.iti18.request, createStoredQueryOperation(deps, logger)],
  ]);
  registerSoapEndpoint(app, REGISTRY_SOAP_PATH, operations, deps.config.REGISTRY_MAX_MESSAGE_BYTES);
  registerPatientRoutes(app, deps);
  registerHealthRoute(app, deps.db);
  return app;
}
