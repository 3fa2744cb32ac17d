import { createPostgresTestDatabase, startRegistryProcess, startRepositoryProcess, startS3TestServer, type RegistryProcess, type S3TestServer, type ServiceProcess, type TestDatabase } from "@opendsp/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GatewayAuditTrail } from "../domain/audit/gateway-audit-trail.js";
import { startGatewayServer, type GatewayServer } from "../server.js";

export const REPOSITORY_UNIQUE_ID = "1.3.6.1.4.1.59999.3.1";

/** The platform as deployed for integration tests: registry and repository as processes, the gateway in-process. */
export interface XdsStack {
  readonly registry: RegistryProcess;
  readonly repository: ServiceProcess;
  readonly gateway: GatewayServer;
  /** The registry's and the repository's databases (their audit outboxes: no audit delivery is configured here). */
  readonly databaseUrls: { readonly registry: string; readonly repository: string };
  close(): Promise<void>;
}

export interface XdsStackOptions {
  /** Where the gateway's audit records go. */
  readonly auditTrail?: GatewayAuditTrail;
  /** The URL the gateway is given for a service (registry, repository), e.g. a relay in front of it; default: its own. */
  readonly upstreamUrl?: (service: "registry" | "repository", url: string) => Promise<string>;
}

/**
 * Starts the real registry (fresh PostgreSQL database) and repository (fresh database, s3rver) as their own processes,
 * then the gateway in this process on a free port in front of them. Everything started is stopped by close(),
 * also when a later start fails.
 */
export async function startXdsStack(gatewayEnv: Record<string, string> = {}, options: XdsStackOptions = {}): Promise<XdsStack> {
  const started: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const registryDb: TestDatabase = await createPostgresTestDatabase("opendsp_gw_registry");
    started.push(() => registryDb.drop());
    const registry = await startRegistryProcess({ DATABASE_URL: registryDb.url });
    started.push(() => registry.stop());
    const s3: S3TestServer = await startS3TestServer();
    started.push(() => s3.stop());
    const repositoryDb = await createPostgresTestDatabase("opendsp_gw_repository");
    started.push(() => repositoryDb.drop());
    const dataDir = await mkdtemp(join(tmpdir(), "opendsp-gateway-repository-"));
    started.push(() => rm(dataDir, { recursive: true, force: true }));
    const repository = await startRepositoryProcess({
      DATABASE_URL: repositoryDb.url,
      REPOSITORY_DATA_DIR: dataDir,
      REPOSITORY_UNIQUE_ID,
      REGISTRY_URL: registry.soapUrl,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
    });
    started.push(() => repository.stop());
    const upstreamUrl = options.upstreamUrl ?? ((_service, url) => Promise.resolve(url));
    const gateway = await startGatewayServer(
      {
        GATEWAY_PORT: "0",
        GATEWAY_ACCESS_CONTROL: "off",
        REGISTRY_URL: await upstreamUrl("registry", registry.baseUrl),
        REPOSITORY_URL: await upstreamUrl("repository", new URL(repository.soapUrl).origin),
        LOG_LEVEL: "silent",
        ...gatewayEnv,
      },
      options.auditTrail === undefined ? {} : { auditTrail: options.auditTrail },
    );
    started.push(() => gateway.close());
    return { registry, repository, gateway, databaseUrls: { registry: registryDb.url, repository: repositoryDb.url }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

let counter = 0;
/** A patient id of the test affinity domain that no other test uses. */
export function freshPatientId(): string {
  return `GW${Date.now()}${process.pid}${++counter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
}
