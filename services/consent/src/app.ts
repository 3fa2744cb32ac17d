import { createHttpApp, registerDatabaseHealthRoute, type Logger } from "@opendsp/platform";
import type { FastifyInstance } from "fastify";
import type { ConsentConfig } from "./config.js";
import type { ConsentDeps } from "./consent-deps.js";
import { registerConsentApi } from "./routes/consent-api.js";

/** Builds the consent service's HTTP application; listening is server.ts's job, tests use `inject`. */
export function buildApp(config: ConsentConfig, deps: ConsentDeps & { readonly logger: Logger }): FastifyInstance {
  const app = createHttpApp(deps.logger);
  registerConsentApi(app, deps, config);
  registerDatabaseHealthRoute(app, deps.db);
  return app;
}
