import { removeJobQueueData } from "@opendsp/platform";
import { createPostgresTestDatabase, runAdminStatement, startS3TestServer, type S3TestServer, type TestDatabase } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseNameOf } from "./postgres-databases.js";
import { startPlatform, type RunningPlatform } from "./start-platform.js";
import { patientToken } from "./testing/patient-token.testing.js";
import { DEFAULT_REPOSITORY_UNIQUE_ID, addPatient, findDocuments, freshPatientId, provideAndRegister, retrieveDocument } from "./testing/xds-client.testing.js";
import { RESPONSE_STATUS } from "@opendsp/ebxml";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const TEST_PREFIX = `opendsp-test-${randomBytes(4).toString("hex")}`;
const JOBS_PREFIX = `${TEST_PREFIX}:repository`;
// Every queue of this platform under the test's own prefix: the shared Redis serves other tests at the same time.
const QUEUE_PREFIXES = [JOBS_PREFIX, `${TEST_PREFIX}:registry`, `${TEST_PREFIX}:audit`];

let database: TestDatabase;
let s3: S3TestServer;
let dataDir: string;
let platform: RunningPlatform | undefined;

const env = (): Record<string, string> => ({
  OPENDSP_DATA_DIR: dataDir,
  GATEWAY_PORT: "0",
  REGISTRY_PORT: "0",
  REPOSITORY_PORT: "0",
  CONSENT_PORT: "0",
  AUDIT_PORT: "0",
  HL7_MLLP_PORT: "0",
  DATABASE_URL: database.url,
  S3_ENDPOINT: s3.endpoint,
  S3_ACCESS_KEY: s3.accessKey,
  S3_SECRET_KEY: s3.secretKey,
  S3_BUCKET: "launcher-documents",
  REDIS_URL,
  REPOSITORY_JOBS_PREFIX: JOBS_PREFIX,
  REGISTRY_JOBS_PREFIX: `${TEST_PREFIX}:registry`,
  AUDIT_QUEUE_PREFIX: `${TEST_PREFIX}:audit`,
  LOG_LEVEL: "silent",
});

beforeAll(async () => {
  database = await createPostgresTestDatabase("opendsp_launcher");
  s3 = await startS3TestServer();
  dataDir = await mkdtemp(join(tmpdir(), "opendsp-launcher-servers-"));
});

afterAll(async () => {
  await platform?.stop();
  const base = databaseNameOf(database.url);
  for (const service of ["registry", "repository", "consent", "audit"]) await runAdminStatement(`DROP DATABASE IF EXISTS ${base}_${service} WITH (FORCE)`);
  await database?.drop();
  await s3?.stop();
  for (const prefix of QUEUE_PREFIXES) await removeJobQueueData(REDIS_URL, prefix);
  await rm(dataDir, { recursive: true, force: true });
});

describe("the platform on PostgreSQL, S3 and Redis", () => {
  const patientId = freshPatientId();
  const letter = randomBytes(4096);
  let documentUniqueId = "";

  it("gives each service its own database, keeps documents in S3 and runs jobs on BullMQ", { timeout: 180_000 }, async () => {
    platform = await startPlatform(env());
    const base = databaseNameOf(database.url);
    expect(platform.backends.registryDatabase).toMatchObject({ kind: "postgres", location: expect.stringContaining(`/${base}_registry`) as string });
    expect(platform.backends.repositoryDatabase).toMatchObject({ kind: "postgres", location: expect.stringContaining(`/${base}_repository`) as string });
    expect(platform.backends.consentDatabase).toMatchObject({ kind: "postgres", location: expect.stringContaining(`/${base}_consent`) as string });
    expect(platform.backends.auditDatabase).toMatchObject({ kind: "postgres", location: expect.stringContaining(`/${base}_audit`) as string });
    expect(platform.backends.documents).toEqual({ kind: "s3", location: `${s3.endpoint} bucket launcher-documents` });
    expect(platform.backends.jobs).toEqual({ kind: "bullmq", location: REDIS_URL });

    expect((await fetch(`${platform.gateway.url}/health`)).status).toBe(200);
    expect(await addPatient(platform.gateway.url, patientId)).toBe(201);
    const token = await patientToken(platform, patientId);
    const submitted = await provideAndRegister(platform.gateway.repositorySoapUrl, patientId, letter, token);
    expect(submitted).toMatchObject({ status: RESPONSE_STATUS.success });
    documentUniqueId = submitted.entry.uniqueId ?? "";
    expect((await findDocuments(platform.gateway.registrySoapUrl, patientId, token)).map((d) => d.uniqueId)).toEqual([documentUniqueId]);

    // No database or document under the data folder: only the lock, consent's presence-code key and the development
    // identity provider.
    expect((await readdir(dataDir)).sort()).toEqual(["consent", "identity-provider", "opendsp.lock"]);
    expect(await readdir(join(dataDir, "consent"))).toEqual(["presence-code.key"]);
    expect(await readdir(s3.dir)).toContain("launcher-documents");
  });

  it("finds the same databases again at the next start and retrieves the document", { timeout: 180_000 }, async () => {
    await platform?.stop();
    platform = await startPlatform(env());
    const token = await patientToken(platform, patientId);
    expect((await findDocuments(platform.gateway.registrySoapUrl, patientId, token)).map((d) => d.uniqueId)).toEqual([documentUniqueId]);
    const bytes = await retrieveDocument(platform.gateway.repositorySoapUrl, DEFAULT_REPOSITORY_UNIQUE_ID, documentUniqueId, token);
    expect(bytes.equals(letter)).toBe(true);
  });
});
