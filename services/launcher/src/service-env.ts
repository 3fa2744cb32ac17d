import { join } from "node:path";
import type { Environment, LauncherConfig } from "./launcher-config.js";
import type { PlannedListener } from "./platform-start-error.js";
import type { ServiceDatabases } from "./postgres-databases.js";

/** Where the embedded platform keeps each part's data under OPENDSP_DATA_DIR. */
export function dataLayout(dataDir: string): { registryDb: string; repositoryDir: string; repositoryDb: string; documents: string } {
  const repositoryDir = join(dataDir, "repository");
  // The repository keeps its database in <dir>/db and the documents in <dir>/blobs (services/repository/src/server.ts).
  return { registryDb: join(dataDir, "registry"), repositoryDir, repositoryDb: join(repositoryDir, "db"), documents: join(repositoryDir, "blobs") };
}

/** The ports the platform will listen on, each with the variable that sets it. */
export function plannedListeners(config: LauncherConfig): PlannedListener[] {
  return [
    { service: "registry", variable: "REGISTRY_PORT", host: config.REGISTRY_HOST, port: config.REGISTRY_PORT },
    ...(config.HL7_MLLP_PORT >= 0 ? [{ service: "registry", variable: "HL7_MLLP_PORT", host: config.REGISTRY_HOST, port: config.HL7_MLLP_PORT } as const] : []),
    { service: "repository", variable: "REPOSITORY_PORT", host: config.REPOSITORY_HOST, port: config.REPOSITORY_PORT },
    { service: "gateway", variable: "GATEWAY_PORT", host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
  ];
}

/*
 * Each service gets the whole environment (its own settings still apply) with what the launcher decides on top:
 * ports, data folders, its own database, and the addresses of the services it calls, taken from the services as
 * they listen (a port of 0 is known only then).
 */

export function registryEnv(env: Environment, config: LauncherConfig, dataDir: string, databases: ServiceDatabases): Environment {
  return {
    ...env,
    REGISTRY_HOST: config.REGISTRY_HOST,
    REGISTRY_PORT: String(config.REGISTRY_PORT),
    HL7_MLLP_PORT: String(config.HL7_MLLP_PORT),
    REGISTRY_DATA_DIR: dataLayout(dataDir).registryDb,
    DATABASE_URL: databases.registry?.url,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

export function repositoryEnv(env: Environment, config: LauncherConfig, dataDir: string, databases: ServiceDatabases, registrySoapUrl: string): Environment {
  return {
    ...env,
    REPOSITORY_HOST: config.REPOSITORY_HOST,
    REPOSITORY_PORT: String(config.REPOSITORY_PORT),
    REPOSITORY_DATA_DIR: dataLayout(dataDir).repositoryDir,
    DATABASE_URL: databases.repository?.url,
    REGISTRY_URL: registrySoapUrl,
    S3_BUCKET: config.S3_BUCKET,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

export function gatewayEnv(env: Environment, config: LauncherConfig, registryBaseUrl: string, repositoryBaseUrl: string): Environment {
  return {
    ...env,
    GATEWAY_HOST: config.GATEWAY_HOST,
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    REGISTRY_URL: registryBaseUrl,
    REPOSITORY_URL: repositoryBaseUrl,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}
