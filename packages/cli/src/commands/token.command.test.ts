import { createXuaVerifier, ensureDevelopmentIdentityProvider, withXuaAssertion } from "@opendsp/soap";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli.js";
import { EXIT_CODE } from "../errors/cli-error.js";
import { memoryIo } from "../testing/memory-io.js";

const PATIENT = "1985032412345^^^&1.3.6.1.4.1.59999.2.1&ISO";
const ENVELOPE = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>`;

let dataDir = "";
let certificatePem = "";
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "opendsp-cli-idp-"));
  // The identity provider as `pnpm start` makes it under its data folder.
  certificatePem = (await ensureDevelopmentIdentityProvider(join(dataDir, "identity-provider"))).certificatePem;
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function token(argv: string[], env: Record<string, string> = {}) {
  const m = memoryIo({ env, cwd: dataDir });
  const code = await runCli(["token", ...argv], m.io);
  return { code, stdout: m.stdout(), stderr: m.stderr() };
}

function verify(assertionXml: string) {
  const verifier = createXuaVerifier({ trustedCertificates: [certificatePem], audiences: ["urn:opendsp:gateway"] });
  return verifier.verify(withXuaAssertion(ENVELOPE, assertionXml));
}

describe("opendsp token", () => {
  it("prints, on one line, an assertion of the development identity provider that a verifier trusting it accepts", async () => {
    const r = await token(["--subject", PATIENT, "--role", "patient", "--data-dir", dataDir]);
    expect(r.code, r.stderr).toBe(EXIT_CODE.ok);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const identity = verify(r.stdout.trim());
    expect(identity).toMatchObject({ issuer: "urn:opendsp:development-identity-provider", subjectId: PATIENT, roles: [{ code: "patient" }] });
    expect(identity.patientId).toBeUndefined();
    expect(identity.purposeOfUse).toBeUndefined();
    // Valid for an hour by default.
    expect(identity.notOnOrAfter.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(identity.notOnOrAfter.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it("carries the patient, the purpose of use, the organization and the lifetime asked for", async () => {
    const r = await token(
      ["--subject", "doctor-42", "--role", "emergency", "--patient", PATIENT, "--purpose", "EMERGENCY", "--organization", "1.2.3.4", "--lifetime", "120"],
      { OPENDSP_DATA_DIR: dataDir },
    );
    expect(r.code, r.stderr).toBe(EXIT_CODE.ok);
    const identity = verify(r.stdout.trim());
    expect(identity).toMatchObject({ subjectId: "doctor-42", roles: [{ code: "emergency" }], patientId: PATIENT, purposeOfUse: { code: "EMERGENCY" }, organizationId: "1.2.3.4" });
    expect(identity.notOnOrAfter.getTime() - Date.now()).toBeLessThanOrEqual(120_000);
  });

  it("prints base64url with --base64, for the JSON API's Authorization header", async () => {
    const r = await token(["--subject", "doctor-42", "--role", "doctor", "--base64"], { OPENDSP_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(EXIT_CODE.ok);
    expect(r.stdout.trim()).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verify(Buffer.from(r.stdout.trim(), "base64url").toString("utf8")).subjectId).toBe("doctor-42");
  });

  it("says to start the platform once when the data folder has no identity provider", async () => {
    const r = await token(["--subject", "x", "--role", "doctor", "--data-dir", join(dataDir, "elsewhere")]);
    expect(r.code).toBe(EXIT_CODE.file);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("start the platform once with pnpm start");
  });

  it("refuses bad usage before reading anything", async () => {
    for (const [argv, message] of [
      [["--role", "doctor"], /required option '--subject <id>'/],
      [["--subject", "x"], /required option '--role <role>'/],
      [["--subject", "x", "--role", "doctor", "--patient", "12345"], /expected a CX patient id/],
      [["--subject", "x", "--role", "doctor", "--lifetime", "0"], /expected a whole number of at least 1/],
      [["--subject", " ", "--role", "doctor"], /expected a non-empty value/],
    ] as const) {
      const r = await token([...argv, "--data-dir", dataDir]);
      expect(r.code, argv.join(" ")).toBe(EXIT_CODE.usage);
      expect(r.stderr).toMatch(message);
    }
  });
});
