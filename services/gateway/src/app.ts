import { createHttpApp, type Logger } from "@opendsp/platform";
import type { FastifyInstance } from "fastify";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SOAP_ROUTES } from "./domain/routing/soap-routes.js";
import type { GatewayDeps } from "./gateway-deps.js";
import { installRequestContext } from "./request-context.js";
import { registerApiProxyRoutes } from "./routes/api-proxy.route.js";
import { registerAuditApiProxyRoutes } from "./routes/audit-api-proxy.route.js";
import { registerDocsRoutes } from "./routes/docs.route.js";
import { registerHealthRoute } from "./routes/health.route.js";
import { registerMetricsRoute } from "./routes/metrics.route.js";
import { registerStatisticsRoutes } from "./routes/statistics.route.js";
import { createSoapEndpointHandler } from "./routes/soap-endpoint.handler.js";
import { registerWsdlRoute } from "./routes/wsdl.route.js";
import { createGatewayHttpsServer } from "./tls/https-server.factory.js";

/** Fastify's defaults for a server it creates itself: keep-alive 72 s, no limit on a request's duration. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * Builds the gateway's HTTP application; listening is server.ts's job, tests use a real port.
 * A SOAP POST is taken by the SOAP endpoint handler before Fastify's routing (routes/soap-endpoint.handler.ts):
 * request id -> wsa:Action read from the body's first bytes -> endpoint's action check -> edge steps
 * (authentication, consent; domain/edge/edge-step.ts) -> streamed to the service. Everything else is a Fastify route.
 */
export function buildApp(deps: GatewayDeps, logger: Logger): FastifyInstance {
  const soapEndpoint = createSoapEndpointHandler(deps);
  const app = createHttpApp(logger, {
    serverFactory: (fastifyHandler) => {
      const handler = (req: IncomingMessage, res: ServerResponse): void => {
        if (!soapEndpoint(req, res)) fastifyHandler(req, res);
      };
      // HTTPS with client certificates when configured (tls/), plain HTTP otherwise.
      const server = deps.tls === undefined ? createServer(handler) : createGatewayHttpsServer(deps.tls, handler, logger);
      // As Fastify sets up a server of its own. No overall limit on a request: an MTOM upload of GBs from a slow
      // client may take long (Node's default would cut it after 5 minutes).
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
  });
  const context = installRequestContext(app, deps.metrics);
  for (const route of SOAP_ROUTES) registerWsdlRoute(app, route, deps);
  registerApiProxyRoutes(app, deps, context);
  registerAuditApiProxyRoutes(app, deps, context);
  registerHealthRoute(app, deps);
  registerStatisticsRoutes(app, deps);
  registerMetricsRoute(app, deps.metrics);
  registerDocsRoutes(app, deps.openapiDir);
  return app;
}
