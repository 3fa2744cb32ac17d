export { startRepositoryServer } from "./server.js";
export { loadRepositoryConfig, type RepositoryConfig } from "./config.js";
