import { createXuaVerifier, ensureDevelopmentIdentityProvider, readSoapHttpBody, type XuaIdentity } from "@opendsp/soap";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli.js";
import { EXIT_CODE } from "../errors/cli-error.js";
import { memoryIo } from "../testing/memory-io.js";
import { startRecordingFaultServer, type RecordingServer } from "../testing/stub-endpoints.js";

/**
 * The user's assertion reaches the platform: publish (MTOM), query (simple SOAP) and retrieve (MTOM) sent to a peer
 * that keeps what it gets; each request's envelope must carry, in its wsse:Security header, the very assertion
 * `opendsp token` minted, still verifiable against the development identity provider's certificate.
 */

const PATIENT = "1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO";

let dir = "";
let server: RecordingServer;
let certificatePem = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opendsp-cli-xua-"));
  certificatePem = (await ensureDevelopmentIdentityProvider(join(dir, "identity-provider"))).certificatePem;
  await writeFile(join(dir, "letter.pdf"), "%PDF-1.7 letter");
  // Answers every request with a Fault: only what arrived matters here.
  server = await startRecordingFaultServer({ code: "Sender", reason: "recorded" });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function opendsp(argv: string[], env: Record<string, string> = {}, stdin?: string) {
  const m = memoryIo({ env: { OPENDSP_URL: server.baseUrl, OPENDSP_DATA_DIR: dir, ...env }, cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
  const code = await runCli(argv, m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr() };
}

/** The identity of the assertion in the last request's wsse:Security header, verified as the gateway does. */
async function lastRequestIdentity(): Promise<XuaIdentity> {
  const last = server.received.at(-1);
  if (last === undefined) throw new Error("nothing was received");
  const http = await readSoapHttpBody(Readable.from([last.body]), last.contentType);
  await http.drain();
  return createXuaVerifier({ trustedCertificates: [certificatePem], audiences: ["urn:opendsp:gateway"] }).verify(http.root);
}

describe("the user's assertion in the requests' wsse:Security header", () => {
  it("goes with publish (MTOM) from --token <file>", async () => {
    const minted = await opendsp(["token", "--subject", PATIENT, "--role", "patient"]);
    expect(minted.code, minted.stderr).toBe(EXIT_CODE.ok);
    await writeFile(join(dir, "patient.token"), minted.stdout);
    const r = await opendsp(["publish", "letter.pdf", "--patient", PATIENT, "--token", "patient.token"]);
    // The peer refused it with its Fault: the request was sent.
    expect(r.code).toBe(EXIT_CODE.refused);
    expect(server.received.at(-1)?.contentType).toMatch(/^multipart\/related/);
    expect(await lastRequestIdentity()).toMatchObject({ subjectId: PATIENT, roles: [{ code: "patient" }] });
  });

  it("goes with query (simple SOAP) from OPENDSP_TOKEN, as base64url", async () => {
    const minted = await opendsp(["token", "--subject", "doctor-7", "--role", "doctor", "--patient", PATIENT, "--base64"]);
    const r = await opendsp(["query", "--patient", PATIENT], { OPENDSP_TOKEN: minted.stdout.trim() });
    expect(r.code).toBe(EXIT_CODE.refused);
    expect(server.received.at(-1)?.contentType).toMatch(/^application\/soap\+xml/);
    expect(await lastRequestIdentity()).toMatchObject({ subjectId: "doctor-7", patientId: PATIENT });
  });

  it("goes with retrieve (MTOM) from standard input with --token -", async () => {
    const minted = await opendsp(["token", "--subject", "er-1", "--role", "emergency", "--patient", PATIENT, "--purpose", "EMERGENCY"]);
    const r = await opendsp(["retrieve", "2.25.1", "-o", "out.pdf", "--repository-id", "1.2.3", "--token", "-"], {}, minted.stdout);
    expect(r.code).toBe(EXIT_CODE.refused);
    expect(await lastRequestIdentity()).toMatchObject({ subjectId: "er-1", purposeOfUse: { code: "EMERGENCY" } });
  });

  it("is absent without --token and OPENDSP_TOKEN", async () => {
    await opendsp(["query", "--patient", PATIENT]);
    await expect(lastRequestIdentity()).rejects.toMatchObject({ code: "XUA_MISSING" });
  });
});
