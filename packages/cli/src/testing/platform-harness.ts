import { createPostgresTestDatabase, startRegistryProcess, startRepositoryProcess, type RegistryProcess, type ServiceProcess, type TestDatabase } from "@opendsp/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The repositoryUniqueId the repository runs with by default (services/repository/src/config.ts). */
export const TEST_REPOSITORY_UNIQUE_ID = "1.3.6.1.4.1.59999.3.1";

export interface PlatformUnderTest {
  /** Base URLs of each side, as OPENDSP_REGISTRY_URL / OPENDSP_REPOSITORY_URL take them. */
  readonly registryBaseUrl: string;
  readonly repositoryBaseUrl: string;
  /** The environment that points the command at this platform. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The real registry (default affinity-domain codes, so every code the command sends is checked) and the real
 * repository (documents in a temporary folder), each its own process on its own fresh PostgreSQL database, the
 * repository registering at the registry over ITI-42: the platform the command talks to, without the gateway.
 */
export async function startPlatform(): Promise<PlatformUnderTest> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const registryDb: TestDatabase = await createPostgresTestDatabase("opendsp_cli_registry");
    cleanups.push(() => registryDb.drop());
    const registry: RegistryProcess = await startRegistryProcess({ DATABASE_URL: registryDb.url, REGISTRY_CODES: "default" });
    cleanups.push(() => registry.stop());
    const repositoryDb = await createPostgresTestDatabase("opendsp_cli_repository");
    cleanups.push(() => repositoryDb.drop());
    const dataDir = await mkdtemp(join(tmpdir(), "opendsp-cli-repository-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const repository: ServiceProcess = await startRepositoryProcess({
      DATABASE_URL: repositoryDb.url,
      REGISTRY_URL: registry.soapUrl,
      REPOSITORY_DATA_DIR: dataDir,
      REPOSITORY_UNIQUE_ID: TEST_REPOSITORY_UNIQUE_ID,
    });
    cleanups.push(() => repository.stop());
    const registryBaseUrl = registry.baseUrl;
    const repositoryBaseUrl = new URL(repository.soapUrl).origin;
    return {
      registryBaseUrl,
      repositoryBaseUrl,
      env: { OPENDSP_REGISTRY_URL: registryBaseUrl, OPENDSP_REPOSITORY_URL: repositoryBaseUrl },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
