import {
  ACTION,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseAdhocQueryResponse,
  writeAdhocQueryRequest,
  xdsMetadataFromRim,
  type DocumentEntry,
} from "@opendsp/ebxml";
import { createBlobStore, createLogger, migrateToLatest, openDatabase, type BlobStore, type Database } from "@opendsp/platform";
import { callSoap } from "@opendsp/soap";
import { createPostgresTestDatabase, startRegistryProcess, startS3TestServer, type RegistryProcess, type S3TestServer } from "@opendsp/testing";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPOSITORY_MIGRATIONS } from "../../migrations/index.js";
import { REPOSITORY_SOAP_PATH, buildApp } from "../app.js";
import { loadRepositoryConfig, type RepositoryConfig } from "../config.js";
import type { RepositoryDeps } from "../repository-deps.js";
import type { RepositoryDatabase } from "../storage/repository-database.js";

export interface RepositoryUnderTest {
  readonly app: FastifyInstance;
  /** The SOAP endpoint (ITI-41, ITI-43) on a real port. */
  readonly url: string;
  readonly db: Kysely<RepositoryDatabase>;
  readonly blobs: BlobStore;
  readonly deps: RepositoryDeps;
  readonly config: RepositoryConfig;
  /** The S3 server of an "s3" repository (stop it to simulate an outage); undefined for "folder". */
  readonly s3: S3TestServer | undefined;
  /** The blob folder of a "folder" repository. */
  readonly blobDir: string | undefined;
  close(): Promise<void>;
}

/**
 * A repository as deployed, for integration tests: a fresh PostgreSQL database (migrated), its blob store (s3rver
 * or a temporary folder), and the HTTP app listening on a free port of 127.0.0.1 (MTOM bodies then stream through
 * a real socket). Without `registryUrl` ITI-42 goes to a closed port (registry down).
 */
export async function startRepository(options: {
  blobs: "s3" | "folder";
  registryUrl?: string;
  env?: Record<string, string>;
}): Promise<RepositoryUnderTest> {
  const testDb = await createPostgresTestDatabase("opendsp_repository");
  let database: Database<RepositoryDatabase> | undefined;
  let s3: S3TestServer | undefined;
  let blobDir: string | undefined;
  try {
    database = await openDatabase<RepositoryDatabase>({ url: testDb.url, maxConnections: 5 });
    await migrateToLatest(database.db as Kysely<unknown>, REPOSITORY_MIGRATIONS);
    let blobEnv: Record<string, string>;
    if (options.blobs === "s3") {
      s3 = await startS3TestServer();
      blobEnv = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_BUCKET: "opendsp-documents" };
    } else {
      blobDir = await mkdtemp(join(tmpdir(), "opendsp-blobs-"));
      blobEnv = {};
    }
    const config = loadRepositoryConfig({
      REPOSITORY_PORT: "0",
      REGISTRY_URL: options.registryUrl ?? `http://127.0.0.1:${await closedPort()}/xds/registry`,
      REGISTRY_TIMEOUT_MS: "10000",
      DATABASE_URL: testDb.url,
      LOG_LEVEL: "silent",
      ...blobEnv,
      ...options.env,
    });
    const blobs = createBlobStore({
      S3_ENDPOINT: config.S3_ENDPOINT,
      S3_ACCESS_KEY: config.S3_ACCESS_KEY,
      S3_SECRET_KEY: config.S3_SECRET_KEY,
      S3_BUCKET: config.S3_BUCKET,
      S3_REGION: config.S3_REGION,
      dataDir: blobDir ?? join(config.REPOSITORY_DATA_DIR, "blobs"),
    });
    await blobs.ensureReady();
    const deps: RepositoryDeps = { config, db: database.db, blobs, auditWritten: () => undefined };
    const app = buildApp(deps, createLogger({ service: "repository", level: config.LOG_LEVEL }));
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const opened = database;
    return {
      app,
      url: `${address}${REPOSITORY_SOAP_PATH}`,
      db: opened.db,
      blobs,
      deps,
      config,
      s3,
      blobDir,
      async close(): Promise<void> {
        await app.close();
        await opened.close();
        await testDb.drop();
        await s3?.stop();
        if (blobDir) await rm(blobDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await database?.close();
    await testDb.drop();
    await s3?.stop();
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
    throw e;
  }
}

export interface RegistryUnderTest extends RegistryProcess {
  /** DocumentEntries the registry holds for these uniqueIds (ITI-18 GetDocuments, LeafClass). */
  getDocuments(uniqueIds: readonly string[]): Promise<DocumentEntry[]>;
  /** Stops the process and drops its database. */
  close(): Promise<void>;
}

/**
 * The real registry service, as its own process on a fresh PostgreSQL database (services never import each other:
 * the repository talks to it over SOAP only, exactly as in production).
 */
export async function startTestRegistry(env: Record<string, string> = {}): Promise<RegistryUnderTest> {
  const testDb = await createPostgresTestDatabase("opendsp_registry");
  let registry: RegistryProcess;
  try {
    registry = await startRegistryProcess({ DATABASE_URL: testDb.url, ...env });
  } catch (e) {
    await testDb.drop();
    throw e;
  }
  return {
    soapUrl: registry.soapUrl,
    pid: registry.pid,
    baseUrl: registry.baseUrl,
    feedPatient: (patientId) => registry.feedPatient(patientId),
    stop: () => registry.stop(),
    getDocuments: (uniqueIds) => getDocuments(registry.soapUrl, uniqueIds),
    async close(): Promise<void> {
      await registry.stop();
      await testDb.drop();
    },
  };
}

/** ITI-18 GetDocuments by uniqueId against any registry; throws unless the answer is a Success. */
export async function getDocuments(registryUrl: string, uniqueIds: readonly string[]): Promise<DocumentEntry[]> {
  const reply = await callSoap({
    url: registryUrl,
    action: ACTION.iti18.request,
    timeoutMs: 10_000,
    body: writeAdhocQueryRequest({
      requestSlots: [],
      returnType: RETURN_TYPE.leafClass,
      query: { id: STORED_QUERY.getDocuments, slots: [{ name: "$XDSDocumentEntryUniqueId", values: [`(${uniqueIds.map((u) => `'${u}'`).join(",")})`] }] },
    }),
  });
  const parsed = parseAdhocQueryResponse(reply.body);
  if (!parsed.ok) throw new Error(`unreadable AdhocQueryResponse: ${JSON.stringify(parsed.errors)}`);
  if (parsed.value.status !== RESPONSE_STATUS.success) throw new Error(`GetDocuments failed: ${JSON.stringify(parsed.value.errors)}`);
  return [...xdsMetadataFromRim(parsed.value.objects).documentEntries];
}

/** SHA-1 (hex) and size of a stored blob, read back through the store. */
export async function blobDigest(blobs: BlobStore, key: string): Promise<{ sha1: string; size: number; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(key)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { sha1: createHash("sha1").update(bytes).digest("hex"), size: bytes.length, bytes };
}

/** Every blob key under documents/ (to check that a refused submission left nothing behind). */
export async function listDocumentBlobs(blobs: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of blobs.list("documents/")) keys.push(b.key);
  return keys.sort();
}

/**
 * A registry address that cannot be reached: port 1 (tcpmux). fetch refuses it as a bad port before connecting, which
 * the repository meets as it meets a refused connection (the call fails before any answer). A port bound and released
 * would give a real ECONNREFUSED, but under parallel tests another server may take it in between; the outage tests
 * also stop a running registry process, which does give a real refused connection.
 */
export function closedPort(): Promise<number> {
  return Promise.resolve(1);
}
