import type { FastifyInstance } from "fastify";
import type { GatewayDeps } from "../gateway-deps.js";
import type { RequestContext } from "../request-context.js";
import { atLeastWarn, proxyApiRequest } from "./api-proxy.route.js";

/** The audit service's read APIs: the access history (JSON) and its FHIR AuditEvent search (IHE BALP's query). */
const AUDIT_READ_URLS = ["/api/audit", "/api/audit/*", "/fhir/AuditEvent"] as const;

/**
 * GET of the audit service's read APIs, proxied when GATEWAY_AUDIT_URL is set, as the consent API is: the caller is
 * authenticated by their XUA assertion (none: 401), the service gets the verified party in X-OpenDSP-Actor and never
 * a client-set X-OpenDSP-* field. Writing audit records is not open through the gateway: they come from the services.
 */
export function registerAuditApiProxyRoutes(app: FastifyInstance, deps: GatewayDeps, context: RequestContext): void {
  if (deps.config.GATEWAY_AUDIT_URL === undefined) return;
  const logLevel = atLeastWarn(deps.config.LOG_LEVEL);
  for (const url of AUDIT_READ_URLS) {
    // Patient ids travel in these URLs' queries: only warnings and errors are logged for them.
    app.route({ method: "GET", url, logLevel, handler: (request, reply) => proxyApiRequest("audit", request, reply, deps, context) });
  }
}
