export { startGatewayServer, type GatewayServer } from "./server.js";
export { loadGatewayConfig, type GatewayConfig } from "./config.js";
