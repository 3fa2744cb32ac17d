import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlatform, type RunningPlatform } from "./start-platform.js";
import { patientToken } from "./testing/patient-token.testing.js";
import { DEFAULT_REPOSITORY_UNIQUE_ID, addPatient, findDocuments, freshPatientId, provideAndRegister, retrieveDocument } from "./testing/xds-client.testing.js";
import { ACTION, RESPONSE_STATUS } from "@opendsp/ebxml";
import { callSoap } from "@opendsp/soap";
import { findDocumentsQuery } from "@opendsp/testing";

/** The embedded platform as `pnpm start` runs it, in a temporary data folder, every port picked free. */
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
  LOG_LEVEL: "silent",
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "opendsp-launcher-"));
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe("the embedded platform (PGlite, documents in a folder, in-process jobs)", () => {
  const patientId = freshPatientId();
  const letter = Buffer.from(`%PDF-1.7 lettre de sortie ${patientId}`);
  let documentUniqueId = "";

  it("starts every part, answers on every endpoint, and takes a patient, a document and a query", { timeout: 180_000 }, async () => {
    // What a first start that died while creating the databases leaves behind.
    await mkdir(join(dataDir, ".pglite-template-x1"));
    await mkdir(join(dataDir, "registry.initializing"));
    await writeFile(join(dataDir, "registry.initializing", "PG_VERSION"), "17");

    platform = await startPlatform(env());
    expect(platform.dataDir).toBe(dataDir);
    expect((await readdir(dataDir)).sort()).toEqual(["audit", "consent", "identity-provider", "opendsp.lock", "registry", "repository"]);
    expect(await readdir(join(dataDir, "audit"))).toEqual(["db"]);
    expect((await readdir(join(dataDir, "repository"))).sort()).toEqual(["blobs", "db"]);
    expect((await readdir(join(dataDir, "consent"))).sort()).toEqual(["db", "presence-code.key"]);
    expect((await stat(join(dataDir, "consent", "presence-code.key"))).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dataDir, "identity-provider"))).sort()).toEqual(["identity-provider.json", "signing-certificate.pem", "signing-key.pem"]);
    expect((await stat(join(dataDir, "identity-provider", "signing-key.pem"))).mode & 0o777).toBe(0o600);
    expect(platform.identityProvider).toEqual({
      dir: join(dataDir, "identity-provider"),
      certificateFile: join(dataDir, "identity-provider", "signing-certificate.pem"),
      audiences: "urn:opendsp:gateway",
    });
    expect(platform.backends).toEqual({
      registryDatabase: { kind: "pglite", location: join(dataDir, "registry") },
      repositoryDatabase: { kind: "pglite", location: join(dataDir, "repository", "db") },
      consentDatabase: { kind: "pglite", location: join(dataDir, "consent", "db") },
      auditDatabase: { kind: "pglite", location: join(dataDir, "audit", "db") },
      documents: { kind: "folder", location: join(dataDir, "repository", "blobs") },
      jobs: { kind: "in-process", location: "this process" },
    });
    expect(platform.registry.mllpPort).toBeGreaterThan(0);

    expect(await getJson(`${platform.gateway.url}/health`)).toEqual({
      status: 200,
      body: { status: "ok", dependencies: { registry: { status: "ok" }, repository: { status: "ok" }, consent: { status: "ok" } } },
    });
    expect((await getJson(`${platform.registry.url}/health`)).status).toBe(200);
    expect((await getJson(`${platform.repository.url}/health`)).body).toMatchObject({ status: "ok", database: "ok", blobs: "ok" });
    expect((await getJson(`${platform.consent.url}/health`)).status).toBe(200);
    for (const wsdl of [`${platform.gateway.registrySoapUrl}?wsdl`, `${platform.gateway.repositorySoapUrl}?wsdl`]) {
      const res = await fetch(wsdl);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(platform.gateway.url);
    }

    // ITI-8 through the admin API, ITI-41 and ITI-18 through the gateway, by the patient (a token of the development
    // identity provider), on their own open record.
    expect(await addPatient(platform.gateway.url, patientId)).toBe(201);
    const token = await patientToken(platform, patientId);
    const submitted = await provideAndRegister(platform.gateway.repositorySoapUrl, patientId, letter, token);
    expect(submitted).toMatchObject({ status: RESPONSE_STATUS.success, errors: [] });
    documentUniqueId = submitted.entry.uniqueId ?? "";
    const found = await findDocuments(platform.gateway.registrySoapUrl, patientId, token);
    expect(found.map((d) => d.uniqueId)).toEqual([documentUniqueId]);
    expect(found[0]).toMatchObject({ repositoryUniqueId: DEFAULT_REPOSITORY_UNIQUE_ID, size: String(letter.length) });

    // Without an assertion the gateway lets nobody in: it trusts the development identity provider's users only.
    const anonymous = callSoap({ url: platform.gateway.registrySoapUrl, action: ACTION.iti18.request, timeoutMs: 30_000, body: findDocumentsQuery(patientId) });
    await expect(anonymous).rejects.toMatchObject({ code: "SOAP_CLIENT_FAULT" });
  });

  it("keeps everything in the data folder across a stop and a start", { timeout: 180_000 }, async () => {
    await platform?.stop();
    // Stopped means stopped: the lock is released and the ports are closed.
    await expect(stat(join(dataDir, "opendsp.lock"))).rejects.toMatchObject({ code: "ENOENT" });
    const stopped = platform;
    await expect(fetch(`${stopped?.gateway.url ?? ""}/health`)).rejects.toThrow();

    const keyBefore = await readFile(join(dataDir, "consent", "presence-code.key"), "utf8");
    const signingKeyBefore = await readFile(join(dataDir, "identity-provider", "signing-key.pem"), "utf8");
    platform = await startPlatform(env());
    // The presence-code key and the identity provider are kept: codes and tokens issued before still count.
    expect(await readFile(join(dataDir, "consent", "presence-code.key"), "utf8")).toBe(keyBefore);
    expect(await readFile(join(dataDir, "identity-provider", "signing-key.pem"), "utf8")).toBe(signingKeyBefore);
    const token = await patientToken(platform, patientId);
    const found = await findDocuments(platform.gateway.registrySoapUrl, patientId, token);
    expect(found.map((d) => d.uniqueId)).toEqual([documentUniqueId]);
    // ITI-43 gives back the very bytes submitted.
    const bytes = await retrieveDocument(platform.gateway.repositorySoapUrl, DEFAULT_REPOSITORY_UNIQUE_ID, documentUniqueId, token);
    expect(bytes.equals(letter)).toBe(true);
    // The patient is still known: the admin API updates rather than creates.
    expect(await addPatient(platform.gateway.url, patientId)).toBe(200);
  });

  it("refuses a second platform on the same data folder while the first runs", async () => {
    await expect(startPlatform(env())).rejects.toMatchObject({ code: "LAUNCHER_DATA_DIR_LOCKED", service: "platform" });
    // The first one is untouched.
    expect((await getJson(`${platform?.gateway.url ?? ""}/health`)).status).toBe(200);
  });
});
