export { startRegistryServer } from "./server.js";
export { loadRegistryConfig, type RegistryConfig } from "./config.js";
