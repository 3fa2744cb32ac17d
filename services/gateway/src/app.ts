import { createHttpApp, type Logger } from "@opendsp/platform";
import type { FastifyInstance } from "fastify";
import type { GatewayDeps } from "./gateway-deps.js";
import { installRequestContext } from "./request-context.js";
import { registerApiProxyRoutes } from "./routes/api-proxy.route.js";
import { registerDocsRoutes } from "./routes/docs.route.js";
import { registerHealthRoute } from "./routes/health.route.js";
import { registerMetricsRoute } from "./routes/metrics.route.js";
import { registerSoapRoutes } from "./routes/soap-endpoint.route.js";

/**
 * Builds the gateway's HTTP application; listening is server.ts's job, tests use `inject` or a real port.
 * Request pipeline of a SOAP call: request id -> wsa:Action read from the body's first bytes -> endpoint's action
 * check -> edge steps (authentication, consent; domain/edge/edge-step.ts) -> streamed to the service.
 */
export function buildApp(deps: GatewayDeps, logger: Logger): FastifyInstance {
  const app = createHttpApp(logger);
  const context = installRequestContext(app, deps.metrics);
  registerSoapRoutes(app, deps, context);
  registerApiProxyRoutes(app, deps, context);
  registerHealthRoute(app, deps);
  registerMetricsRoute(app, deps.metrics);
  registerDocsRoutes(app, deps.openapiDir);
  return app;
}
