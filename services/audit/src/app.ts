import { createHttpApp, registerDatabaseHealthRoute, type Logger } from "@opendsp/platform";
import type { FastifyInstance } from "fastify";
import type { AuditDeps, AuditSettings } from "./audit-deps.js";
import { registerAuditApi } from "./routes/audit-api.js";

/** Builds the audit service's HTTP application; listening is server.ts's job, tests use `inject`. */
export function buildApp(settings: AuditSettings, deps: AuditDeps & { readonly logger: Logger }): FastifyInstance {
  const app = createHttpApp(deps.logger);
  registerAuditApi(app, deps, settings);
  registerDatabaseHealthRoute(app, deps.db);
  return app;
}
