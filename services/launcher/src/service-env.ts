import { join } from "node:path";
import type { GatewayIdentitySettings } from "./development-identity.js";
import type { Environment, LauncherConfig } from "./launcher-config.js";
import type { PlannedListener } from "./platform-start-error.js";
import type { ServiceDatabases } from "./postgres-databases.js";

/** Where the platform keeps each part's data under OPENDSP_DATA_DIR. */
export interface DataLayout {
  readonly registryDb: string;
  readonly repositoryDir: string;
  readonly repositoryDb: string;
  readonly documents: string;
  readonly consentDb: string;
  readonly presenceCodeKey: string;
  readonly auditDb: string;
  readonly identityProvider: string;
}

export function dataLayout(dataDir: string): DataLayout {
  const repositoryDir = join(dataDir, "repository");
  const consentDir = join(dataDir, "consent");
  // The repository keeps its database in <dir>/db and the documents in <dir>/blobs (services/repository/src/server.ts).
  // Consent's database goes in consent/db, beside its key: PGlite wants a folder of its own.
  return {
    registryDb: join(dataDir, "registry"),
    repositoryDir,
    repositoryDb: join(repositoryDir, "db"),
    documents: join(repositoryDir, "blobs"),
    consentDb: join(consentDir, "db"),
    presenceCodeKey: join(consentDir, "presence-code.key"),
    // audit/db: the folder may later hold the syslog receiver's TLS files beside the database.
    auditDb: join(dataDir, "audit", "db"),
    identityProvider: join(dataDir, "identity-provider"),
  };
}

/** The ports the platform will listen on, each with the variable that sets it. */
export function plannedListeners(config: LauncherConfig): PlannedListener[] {
  return [
    { service: "registry", variable: "REGISTRY_PORT", host: config.REGISTRY_HOST, port: config.REGISTRY_PORT },
    ...(config.HL7_MLLP_PORT >= 0 ? [{ service: "registry", variable: "HL7_MLLP_PORT", host: config.REGISTRY_HOST, port: config.HL7_MLLP_PORT } as const] : []),
    { service: "repository", variable: "REPOSITORY_PORT", host: config.REPOSITORY_HOST, port: config.REPOSITORY_PORT },
    { service: "consent", variable: "CONSENT_PORT", host: config.CONSENT_HOST, port: config.CONSENT_PORT },
    { service: "audit", variable: "AUDIT_PORT", host: config.AUDIT_HOST, port: config.AUDIT_PORT },
    { service: "gateway", variable: "GATEWAY_PORT", host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
  ];
}

/*
 * Each service gets the whole environment (its own settings still apply) with what the launcher decides on top:
 * ports, data folders, its own database, and the addresses of the services it calls, taken from the services as
 * they listen (a port of 0 is known only then).
 */

export function registryEnv(env: Environment, config: LauncherConfig, dataDir: string, databases: ServiceDatabases, auditUrl: string): Environment {
  return {
    ...env,
    AUDIT_URL: auditUrl,
    REGISTRY_HOST: config.REGISTRY_HOST,
    REGISTRY_PORT: String(config.REGISTRY_PORT),
    HL7_MLLP_PORT: String(config.HL7_MLLP_PORT),
    REGISTRY_DATA_DIR: dataLayout(dataDir).registryDb,
    DATABASE_URL: databases.registry?.url,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

export function repositoryEnv(
  env: Environment,
  config: LauncherConfig,
  dataDir: string,
  databases: ServiceDatabases,
  registrySoapUrl: string,
  auditUrl: string,
): Environment {
  return {
    ...env,
    AUDIT_URL: auditUrl,
    REPOSITORY_HOST: config.REPOSITORY_HOST,
    REPOSITORY_PORT: String(config.REPOSITORY_PORT),
    REPOSITORY_DATA_DIR: dataLayout(dataDir).repositoryDir,
    DATABASE_URL: databases.repository?.url,
    REGISTRY_URL: registrySoapUrl,
    S3_BUCKET: config.S3_BUCKET,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

export function consentEnv(env: Environment, config: LauncherConfig, dataDir: string, databases: ServiceDatabases, presenceCodeKey: string): Environment {
  return {
    ...env,
    CONSENT_HOST: config.CONSENT_HOST,
    CONSENT_PORT: String(config.CONSENT_PORT),
    CONSENT_DATA_DIR: dataLayout(dataDir).consentDb,
    DATABASE_URL: databases.consent?.url,
    CONSENT_PRESENCE_CODE_KEY: presenceCodeKey,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

/**
 * The audit service receives the records of the others: over HTTP from their outbox relays, or as BullMQ jobs when
 * REDIS_URL is set (both sides read it from the same environment). Its ITI-20 syslog receivers keep their own settings.
 */
export function auditEnv(env: Environment, config: LauncherConfig, dataDir: string, databases: ServiceDatabases): Environment {
  return {
    ...env,
    AUDIT_HOST: config.AUDIT_HOST,
    AUDIT_PORT: String(config.AUDIT_PORT),
    AUDIT_DATA_DIR: dataLayout(dataDir).auditDb,
    DATABASE_URL: databases.audit?.url,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

/** The services behind the gateway, by the base URL each listens on. */
export interface GatewayUpstreams {
  readonly registry: string;
  readonly repository: string;
  readonly consent: string;
  readonly audit: string;
}

/**
 * The gateway enforces access (GATEWAY_ACCESS_CONTROL, "enforced" unless the operator says "off"): it asks consent at
 * GATEWAY_CONSENT_URL, and authenticates users with the identity providers of `identity` (the development one when the
 * operator configured none); undefined leaves the operator's GATEWAY_XUA_* as they are.
 */
export function gatewayEnv(env: Environment, config: LauncherConfig, upstreams: GatewayUpstreams, identity: GatewayIdentitySettings | undefined): Environment {
  return {
    ...env,
    GATEWAY_HOST: config.GATEWAY_HOST,
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    REGISTRY_URL: upstreams.registry,
    REPOSITORY_URL: upstreams.repository,
    GATEWAY_CONSENT_URL: upstreams.consent,
    GATEWAY_AUDIT_URL: upstreams.audit,
    GATEWAY_ACCESS_CONTROL: config.GATEWAY_ACCESS_CONTROL,
    ...(identity === undefined ? {} : { GATEWAY_XUA_IDP_CERT_FILE: identity.idpCertFile, GATEWAY_XUA_AUDIENCES: identity.audiences }),
    LOG_LEVEL: config.LOG_LEVEL,
  };
}
