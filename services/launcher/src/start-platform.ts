import { ConfigError, createLogger, type Logger } from "@opendsp/platform";
import { resolve } from "node:path";
import { lockDataDir } from "./data-dir-lock.js";
import { initializeEmbeddedDatabases } from "./embedded-databases.js";
import { loadLauncherConfig, type Environment, type LauncherConfig } from "./launcher-config.js";
import { PlatformStartError, serviceStartError, type PlatformService } from "./platform-start-error.js";
import { gatewayIdentitySettings } from "./development-identity.js";
import { assertPortsFree } from "./port-check.js";
import { createMissingDatabases, redactedUrl, serviceDatabases, type ServiceDatabases } from "./postgres-databases.js";
import { persistedPresenceCodeKey } from "./presence-code-key.js";
import { auditEnv, consentEnv, dataLayout, gatewayEnv, plannedListeners, registryEnv, repositoryEnv } from "./service-env.js";

/** Where each kind of data lives, as the start listing shows it. */
export interface PlatformBackends {
  readonly registryDatabase: Backend<"pglite" | "postgres">;
  readonly repositoryDatabase: Backend<"pglite" | "postgres">;
  readonly consentDatabase: Backend<"pglite" | "postgres">;
  readonly auditDatabase: Backend<"pglite" | "postgres">;
  readonly documents: Backend<"folder" | "s3">;
  readonly jobs: Backend<"in-process" | "bullmq">;
}

export interface Backend<K extends string> {
  readonly kind: K;
  /** A folder, or a server's URL without its password. */
  readonly location: string;
}

export interface RunningPlatform {
  readonly gateway: {
    readonly url: string;
    readonly registrySoapUrl: string;
    readonly repositorySoapUrl: string;
    readonly consentApiUrl: string;
    /** The audit service's access history and AuditEvent search, through the gateway. */
    readonly auditApiUrl: string;
  };
  readonly registry: { readonly url: string; readonly soapUrl: string; readonly mllpHost: string; readonly mllpPort: number | undefined };
  readonly repository: { readonly url: string; readonly soapUrl: string };
  /** The consent service; its JSON API is `apiUrl`, reached by clients through the gateway at `gateway.consentApiUrl`. */
  readonly consent: { readonly url: string; readonly apiUrl: string };
  /** The audit service: the other services deliver their audit records to it. */
  readonly audit: { readonly url: string };
  /**
   * The development identity provider the gateway trusts, when the launcher set it up (no GATEWAY_XUA_IDP_CERT_FILE of
   * the operator's, access control not off): its folder (what `opendsp token --data-dir` reads) and its audience.
   */
  readonly identityProvider: { readonly dir: string; readonly certificateFile: string; readonly audiences: string } | undefined;
  /** GATEWAY_ACCESS_CONTROL as the gateway was given it. */
  readonly accessControl: "enforced" | "off";
  /** OPENDSP_DATA_DIR, absolute. */
  readonly dataDir: string;
  readonly backends: PlatformBackends;
  /** Stops the gateway, the repository, then the registry; later calls wait for the same stop. */
  stop(): Promise<void>;
}

interface Started {
  readonly service: PlatformService;
  close(): Promise<void>;
}

/**
 * The whole platform in this process: the registry, the repository (which registers at the registry) and the consent
 * service, then the gateway in front of them, each on its own port and talking to the others over HTTP as when
 * deployed apart. The gateway enforces access: users authenticated by XUA assertions of the development identity
 * provider (<data>/identity-provider/, `opendsp token`) unless the operator configured real ones. Embedded
 * by default (PGlite, documents in a folder, in-process jobs, all under OPENDSP_DATA_DIR and kept across restarts);
 * DATABASE_URL, S3_* and REDIS_URL switch each part to a real server.
 *
 * When a part fails to start, the parts already started are stopped and the error (PlatformStartError) names the part.
 */
export async function startPlatform(env: Environment = process.env, options: { readonly logger?: Logger } = {}): Promise<RunningPlatform> {
  let config: LauncherConfig;
  try {
    config = loadLauncherConfig(env);
  } catch (cause) {
    if (cause instanceof ConfigError) throw new PlatformStartError("platform", "LAUNCHER_CONFIG", cause.message, { cause });
    throw cause;
  }
  const logger = options.logger ?? createLogger({ service: "launcher", level: config.LOG_LEVEL });
  // The services' code loads while the data folder, the ports and the databases are prepared.
  const services = loadServices();
  services.catch(() => undefined);
  const dataDir = resolve(config.OPENDSP_DATA_DIR);
  const listeners = plannedListeners(config);
  const lock = await lockDataDir(dataDir);

  const started: Started[] = [];
  const stopStarted = async (): Promise<void> => {
    for (const part of started.splice(0).reverse()) {
      try {
        await part.close();
        logger.info({ service: part.service }, "stopped");
      } catch (err) {
        logger.error({ err, service: part.service }, "did not stop cleanly");
      }
    }
    await lock.release();
  };

  const start = async <T extends { close(): Promise<void> }>(service: PlatformService, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    let server: T;
    try {
      server = await run();
    } catch (cause) {
      throw serviceStartError(service, cause, listeners);
    }
    started.push({ service, close: () => server.close() });
    logger.info({ service, ms: Math.round(performance.now() - t0) }, "started");
    return server;
  };

  try {
    await assertPortsFree(listeners);
    const databases = serviceDatabases(config);
    const created = await createMissingDatabases(config, databases);
    if (created.length > 0) logger.info({ databases: created }, "databases created");

    const layout = dataLayout(dataDir);
    await initializeEmbeddedDatabases(
      dataDir,
      [
        ...(databases.registry ? [] : [layout.registryDb]),
        ...(databases.repository ? [] : [layout.repositoryDb]),
        ...(databases.consent ? [] : [layout.consentDb]),
        ...(databases.audit ? [] : [layout.auditDb]),
      ],
      logger,
    );
    const presenceCodeKey = config.CONSENT_PRESENCE_CODE_KEY ?? (await persistedPresenceCodeKey(layout.presenceCodeKey));
    // "off" is for tests of other parts: no user authentication either (an operator's own GATEWAY_XUA_* still apply).
    const identity = config.GATEWAY_ACCESS_CONTROL === "off" ? undefined : await gatewayIdentitySettings(config, layout.identityProvider);

    const { startRegistryServer, startRepositoryServer, startConsentServer, startAuditServer, loadAuditConfig, startGatewayServer } = await services;
    // Consent and audit depend on nobody: they start beside the others.
    const consentStart = start("consent", () => startConsentServer(consentEnv(env, config, dataDir, databases, presenceCodeKey)));
    consentStart.catch(() => undefined);
    const auditStart = start("audit", () => startAuditServer(loadAuditConfig(auditEnv(env, config, dataDir, databases))));
    auditStart.catch(() => undefined);
    // The registry and the repository only send records once they have some, and their outboxes keep them meanwhile:
    // with a fixed port the audit address is known before the audit service listens.
    const auditUrl = config.AUDIT_PORT > 0 ? Promise.resolve(`http://${urlHost(config.AUDIT_HOST)}:${config.AUDIT_PORT}`) : auditStart.then((a) => a.address);
    auditUrl.catch(() => undefined);
    const startRegistry = async () => {
      const audit = await auditUrl;
      return start("registry", () => startRegistryServer(registryEnv(env, config, dataDir, databases, audit)));
    };
    const startRepository = async (registrySoapUrl: string) => {
      const audit = await auditUrl;
      return start("repository", () => startRepositoryServer(repositoryEnv(env, config, dataDir, databases, registrySoapUrl, audit)));
    };
    type Registry = Awaited<ReturnType<typeof startRegistry>>;
    type Repository = Awaited<ReturnType<typeof startRepository>>;
    const registryAndRepository = async (): Promise<[Registry, Repository]> => {
      if (config.REGISTRY_PORT > 0) {
        // The registry's address is known before it listens, and the repository calls it only when documents come:
        // both start together (their databases open and migrate side by side).
        const known = `http://${urlHost(config.REGISTRY_HOST)}:${config.REGISTRY_PORT}/xds/registry`;
        return bothOrNeither(startRegistry(), startRepository(known));
      }
      const first = await startRegistry();
      return [first, await startRepository(first.soapUrl)];
    };
    const [[[registry, repository], consent], audit] = await bothOrNeither(bothOrNeither(registryAndRepository(), consentStart), auditStart);
    const upstreams = { registry: registry.address, repository: repository.address, consent: consent.address, audit: audit.address };
    const gateway = await start("gateway", () => startGatewayServer(gatewayEnv(env, config, upstreams, identity)));

    let stopping: Promise<void> | undefined;
    return {
      gateway: { url: gateway.address, registrySoapUrl: gateway.registryUrl, repositorySoapUrl: gateway.repositoryUrl, consentApiUrl: `${gateway.address}/api/consent`,
        auditApiUrl: `${gateway.address}/api/audit`,
      },
      registry: { url: registry.address, soapUrl: registry.soapUrl, mllpHost: config.REGISTRY_HOST, mllpPort: registry.mllpPort },
      repository: { url: repository.address, soapUrl: repository.soapUrl },
      consent: { url: consent.address, apiUrl: `${consent.address}/api/consent` },
      audit: { url: audit.address },
      accessControl: config.GATEWAY_ACCESS_CONTROL,
      identityProvider: identity === undefined ? undefined : { dir: identity.dir, certificateFile: identity.idpCertFile, audiences: identity.audiences },
      dataDir,
      backends: backendsOf(config, dataDir, databases),
      stop: () => (stopping ??= stopStarted()),
    };
  } catch (err) {
    const failure = err instanceof PlatformStartError ? err : new PlatformStartError("platform", "LAUNCHER_SERVICE_FAILED", `the platform could not start: ${(err as Error).message}`, { cause: err });
    logger.error({ service: failure.service, code: failure.code, err: failure }, "the platform did not start; what had started is stopped");
    await stopStarted();
    throw failure;
  }
}

async function loadServices() {
  const [registry, repository, consent, audit, gateway] = await Promise.all([
    import("@opendsp/registry"),
    import("@opendsp/repository"),
    import("@opendsp/consent"),
    import("@opendsp/audit"),
    import("@opendsp/gateway"),
  ]);
  return {
    startRegistryServer: registry.startRegistryServer,
    startRepositoryServer: repository.startRepositoryServer,
    startConsentServer: consent.startConsentServer,
    startAuditServer: audit.startAuditServer,
    loadAuditConfig: audit.loadAuditConfig,
    startGatewayServer: gateway.startGatewayServer,
  };
}

/** Both results, or the first failure once both have settled (what did start is in `started`, stopped by the caller). */
async function bothOrNeither<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}

/** A host as it goes into a URL (IPv6 in brackets; a wildcard address is reached on the loopback). */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function backendsOf(config: LauncherConfig, dataDir: string, databases: ServiceDatabases): PlatformBackends {
  const layout = dataLayout(dataDir);
  const database = (db: ServiceDatabases["registry"], folder: string): Backend<"pglite" | "postgres"> =>
    db ? { kind: "postgres", location: redactedUrl(db.url) } : { kind: "pglite", location: folder };
  return {
    registryDatabase: database(databases.registry, layout.registryDb),
    repositoryDatabase: database(databases.repository, layout.repositoryDb),
    consentDatabase: database(databases.consent, layout.consentDb),
    auditDatabase: database(databases.audit, layout.auditDb),
    documents: config.S3_ENDPOINT ? { kind: "s3", location: `${config.S3_ENDPOINT} bucket ${config.S3_BUCKET}` } : { kind: "folder", location: layout.documents },
    jobs: config.REDIS_URL ? { kind: "bullmq", location: redactedUrl(config.REDIS_URL) } : { kind: "in-process", location: "this process" },
  };
}
