import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEVELOPMENT_IDP_AUDIENCE,
  DEVELOPMENT_IDP_FILES,
  DEVELOPMENT_IDP_ISSUER,
  ensureDevelopmentIdentityProvider,
  loadDevelopmentIdentityProvider,
} from "./development-identity-provider.js";
import { mintXuaAssertion } from "./mint-xua-assertion.js";
import { createXuaVerifier } from "./verify-xua-assertion.js";
import { withXuaAssertion } from "./xua-security.header.js";

const ENVELOPE = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>`;

describe("the development identity provider", () => {
  let dir = "";
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), "opendsp-dev-idp-")), "identity-provider");
  });
  afterEach(async () => {
    await rm(join(dir, ".."), { recursive: true, force: true });
  });

  it("is made on first use: a key readable by its owner only, its certificate and the description", async () => {
    const provider = await ensureDevelopmentIdentityProvider(dir);
    expect(provider.issuer).toBe(DEVELOPMENT_IDP_ISSUER);
    expect(provider.audience).toBe(DEVELOPMENT_IDP_AUDIENCE);
    expect((await stat(join(dir, DEVELOPMENT_IDP_FILES.signingKey))).mode & 0o777).toBe(0o600);
    expect(provider.certificateFile).toBe(join(dir, DEVELOPMENT_IDP_FILES.certificate));
    expect(await readFile(provider.certificateFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(JSON.parse(await readFile(join(dir, DEVELOPMENT_IDP_FILES.description), "utf8"))).toEqual({ issuer: DEVELOPMENT_IDP_ISSUER, audience: DEVELOPMENT_IDP_AUDIENCE });
  });

  it("keeps its key across starts, and takes a new audience without a new key", async () => {
    const first = await ensureDevelopmentIdentityProvider(dir);
    const again = await ensureDevelopmentIdentityProvider(dir);
    expect(again.signingKeyPem).toBe(first.signingKeyPem);
    const other = await ensureDevelopmentIdentityProvider(dir, { audience: "urn:example:edge" });
    expect(other.signingKeyPem).toBe(first.signingKeyPem);
    expect((await loadDevelopmentIdentityProvider(dir)).audience).toBe("urn:example:edge");
  });

  it("replaces a damaged key", async () => {
    const first = await ensureDevelopmentIdentityProvider(dir);
    await writeFile(first.signingKeyFile, "not a key");
    const repaired = await ensureDevelopmentIdentityProvider(dir);
    expect(repaired.signingKeyPem).not.toBe(first.signingKeyPem);
    expect(repaired.signingKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("signs assertions that a verifier trusting its certificate accepts", async () => {
    const provider = await ensureDevelopmentIdentityProvider(dir);
    const assertion = mintXuaAssertion({
      issuer: provider.issuer,
      signingKeyPem: provider.signingKeyPem,
      audience: provider.audience,
      subjectId: "P1^^^&1.2.3&ISO",
      roles: ["patient"],
      lifetimeSeconds: 60,
    });
    const verifier = createXuaVerifier({ trustedCertificates: [await readFile(provider.certificateFile, "utf8")], audiences: [DEVELOPMENT_IDP_AUDIENCE] });
    const identity = verifier.verify(withXuaAssertion(ENVELOPE, assertion));
    expect(identity.subjectId).toBe("P1^^^&1.2.3&ISO");
    expect(identity.issuer).toBe(DEVELOPMENT_IDP_ISSUER);
  });

  it("is reported missing, with its own code, in a folder that has none", async () => {
    await expect(loadDevelopmentIdentityProvider(dir)).rejects.toMatchObject({ code: "DEV_IDP_MISSING" });
  });

  it("is refused when the description is not JSON", async () => {
    await ensureDevelopmentIdentityProvider(dir);
    await writeFile(join(dir, DEVELOPMENT_IDP_FILES.description), "{");
    await expect(loadDevelopmentIdentityProvider(dir)).rejects.toMatchObject({ code: "DEV_IDP_INVALID" });
  });
});
