import { ACTION } from "@opendsp/ebxml";
import { createHttpApp, passSoapBodiesThrough, registerSoapEndpoint, type Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import type { FastifyInstance } from "fastify";
import { createProvideAndRegisterOperation } from "./domain/provide-and-register/iti-41-provide-and-register.operation.js";
import { createRetrieveOperation } from "./domain/retrieve/iti-43-retrieve.operation.js";
import type { RepositoryDeps } from "./repository-deps.js";
import { REPOSITORY_SOAP_PATH } from "./repository-soap-path.js";
import { registerHealthRoute } from "./routes/health.route.js";

export { REPOSITORY_SOAP_PATH };

/** Builds the repository's HTTP application; listening is server.ts's job, tests use `inject` or a real port. */
export function buildApp(deps: RepositoryDeps, logger: Logger): FastifyInstance {
  const app = createHttpApp(logger);
  passSoapBodiesThrough(app);
  const operations = new Map<string, SoapOperation>([
    [ACTION.iti41.request, createProvideAndRegisterOperation(deps, logger)],
    [ACTION.iti43.request, createRetrieveOperation(deps, logger)],
  ]);
  registerSoapEndpoint(app, REPOSITORY_SOAP_PATH, operations, {
    maxRootBytes: deps.config.REPOSITORY_MAX_METADATA_BYTES,
    maxTotalBytes: deps.config.REPOSITORY_MAX_MESSAGE_BYTES,
  });
  registerHealthRoute(app, deps);
  return app;
}
