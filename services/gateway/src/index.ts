export { startGatewayServer, type GatewayServer, type GatewayServerOptions } from "./server.js";
export { DISCARDING_AUDIT_TRAIL, type GatewayAuditTrail } from "./domain/audit/gateway-audit-trail.js";
export { loadGatewayConfig, type GatewayConfig } from "./config.js";
