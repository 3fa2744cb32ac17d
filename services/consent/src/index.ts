export { startConsentServer, type ConsentServer } from "./server.js";
export { loadConsentConfig, type ConsentConfig } from "./config.js";
