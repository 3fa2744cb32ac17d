import { runCli, type CliIo } from "@opendsp/cli";
import { startPlatform, type RunningPlatform } from "@opendsp/launcher";
import { removeJobQueueData } from "@opendsp/platform";
import { createPostgresTestDatabase, runAdminStatement, startS3TestServer, type S3TestServer, type TestDatabase } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adtA01, domainId } from "../../services/registry/src/patient-feed/adt-message.fixtures.js";
import { MllpTestClient, readAck } from "../../services/registry/src/patient-feed/mllp-client.testing.js";

/**
 * The whole platform as `pnpm start` runs it, end to end through the gateway: a patient fed by ITI-8 over MLLP, a
 * PDF published with the command-line tool (ITI-41, MTOM), found with FindDocuments (ITI-18) and retrieved
 * byte-identical (ITI-43); then the platform is stopped and started again on the same data and everything is
 * still there. Once on the embedded defaults, once on PostgreSQL, an S3 server and Redis. The commands go as the
 * patient, with a token of the platform's development identity provider minted by `opendsp token`.
 */

const PDF = join(import.meta.dirname, "../fixtures/documents/nist-12029-my_document.pdf");
const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

interface Backends {
  env(): Promise<Record<string, string>>;
  cleanUp(): Promise<void>;
}

function embedded(): Backends {
  return { env: () => Promise.resolve({}), cleanUp: () => Promise.resolve() };
}

function servers(): Backends {
  let database: TestDatabase | undefined;
  let s3: S3TestServer | undefined;
  const jobsPrefix = `opendsp-e2e-${randomBytes(4).toString("hex")}:repository`;
  return {
    async env() {
      database = await createPostgresTestDatabase("opendsp_e2e");
      s3 = await startS3TestServer();
      return {
        DATABASE_URL: database.url,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_BUCKET: "e2e-documents",
        REDIS_URL,
        REPOSITORY_JOBS_PREFIX: jobsPrefix,
      };
    },
    async cleanUp() {
      if (database) {
        const base = new URL(database.url).pathname.slice(1);
        for (const service of ["registry", "repository", "consent"]) await runAdminStatement(`DROP DATABASE IF EXISTS ${base}_${service} WITH (FORCE)`);
        await database.drop();
      }
      await s3?.stop();
      await removeJobQueueData(REDIS_URL, jobsPrefix);
    },
  };
}

/**
 * Runs one `opendsp` command against the platform and returns its exit code and output; as the user of `token`
 * (OPENDSP_TOKEN) when given. The data folder is the platform's, where `opendsp token` finds the identity provider.
 */
async function opendsp(platform: RunningPlatform, cwd: string, token: string | undefined, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stderrIsTty: false,
    columns: 80,
    env: { OPENDSP_URL: platform.gateway.url, OPENDSP_DATA_DIR: platform.dataDir, ...(token === undefined ? {} : { OPENDSP_TOKEN: token }) },
    cwd,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe.each([
  ["embedded defaults (PGlite, folder, in-process jobs)", embedded],
  ["PostgreSQL, S3 and Redis", servers],
] as const)("the platform on %s: ITI-8 -> ITI-41 -> ITI-18 -> ITI-43 through the gateway", (_name, backendsOf) => {
  const backends = backendsOf();
  const patientId = domainId(`E2E${Date.now()}${randomBytes(3).toString("hex")}`);
  let dataDir = "";
  let env: Record<string, string> = {};
  let platform: RunningPlatform | undefined;
  let documentUniqueId = "";
  let token = "";

  /** The patient's own token (role patient, subject = the patient's id): a patient publishes into and reads their open record. */
  async function patientToken(started: RunningPlatform, patient: string): Promise<string> {
    const minted = await opendsp(started, dataDir, undefined, "token", "--subject", patient, "--role", "patient");
    if (minted.code !== 0) throw new Error(`opendsp token failed: ${minted.stderr}`);
    return minted.stdout.trim();
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "opendsp-e2e-"));
    env = {
      ...(await backends.env()),
      OPENDSP_DATA_DIR: dataDir,
      GATEWAY_PORT: "0",
      REGISTRY_PORT: "0",
      REPOSITORY_PORT: "0",
      CONSENT_PORT: "0",
      AUDIT_PORT: "0",
      HL7_MLLP_PORT: "0",
      LOG_LEVEL: "silent",
    };
    platform = await startPlatform(env);
    token = await patientToken(platform, patientId);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await backends.cleanUp();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("takes the patient from an HL7 v2 ADT^A01 over MLLP (ITI-8) and acknowledges it with AA", async () => {
    const port = platform?.registry.mllpPort;
    if (port === undefined) throw new Error("the MLLP listener is off");
    const client = await MllpTestClient.connect(port);
    try {
      const ack = readAck(await client.send(adtA01("E2E-1", patientId)));
      expect(ack.ackCode).toBe("AA");
      expect(ack.controlId).toBe("E2E-1");
    } finally {
      client.close();
    }
  });

  it("publishes a PDF with `opendsp publish` (ITI-41, MTOM) and finds it with `opendsp query` (ITI-18)", async () => {
    if (!platform) throw new Error("not started");
    const published = await opendsp(platform, dataDir, token, "publish", PDF, "--patient", patientId, "--class", "lab-result", "--title", "Hemogramme", "--json");
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    const result = JSON.parse(published.stdout) as { documentUniqueId: string; mimeType: string; size: number };
    expect(result.mimeType).toBe("application/pdf");
    expect(result.size).toBe((await readFile(PDF)).length);
    documentUniqueId = result.documentUniqueId;

    const query = await opendsp(platform, dataDir, token, "query", "--patient", patientId, "--json");
    expect(query.code).toBe(0);
    const found = JSON.parse(query.stdout) as { uniqueId: string; title: string; classCode: string }[];
    expect(found.map((d) => d.uniqueId)).toEqual([documentUniqueId]);
    expect(found[0]?.title).toBe("Hemogramme");
  });

  it("retrieves it byte-identical with `opendsp retrieve` (ITI-43)", async () => {
    if (!platform) throw new Error("not started");
    const out = join(dataDir, "retrieved.pdf");
    const retrieved = await opendsp(platform, dataDir, token, "retrieve", documentUniqueId, "-o", out);
    expect(retrieved.code).toBe(0);
    expect((await readFile(out)).equals(await readFile(PDF))).toBe(true);
  });

  it("keeps the patient and the document across a restart on the same data", async () => {
    await platform?.stop();
    platform = await startPlatform(env);
    // The identity provider is kept across the restart: the token minted before still counts.
    const query = await opendsp(platform, dataDir, token, "query", "--patient", patientId, "--json");
    expect(query.code).toBe(0);
    expect((JSON.parse(query.stdout) as { uniqueId: string }[]).map((d) => d.uniqueId)).toEqual([documentUniqueId]);
    const out = join(dataDir, "after-restart.pdf");
    expect((await opendsp(platform, dataDir, token, "retrieve", documentUniqueId, "-o", out)).code).toBe(0);
    expect((await readFile(out)).equals(await readFile(PDF))).toBe(true);
    // The patient is still known: a second document for it is accepted.
    const again = await opendsp(platform, dataDir, token, "publish", PDF, "--patient", patientId, "--class", "imaging-report", "--json");
    expect(again.code).toBe(0);
  }, 180_000);

  it("answers a clear error for a patient the feed never sent (XDSUnknownPatientId)", async () => {
    if (!platform) throw new Error("not started");
    const neverFed = domainId("NEVERFED1");
    const refused = await opendsp(platform, dataDir, await patientToken(platform, neverFed), "publish", PDF, "--patient", neverFed, "--json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("XDSUnknownPatientId");
  });
});
