import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsentServer } from "./server.js";
import { holdPort } from "@opendsp/testing";

describe("startConsentServer", () => {
  let dataDir = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "opendsp-consent-start-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves on the embedded database, keeps the rules across a restart, and a failed start leaves nothing open", async () => {
    const env = { CONSENT_DATA_DIR: dataDir, CONSENT_PORT: "0", LOG_LEVEL: "silent" };
    const patientId = "42^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO";
    const actor = Buffer.from(JSON.stringify({ kind: "patient", id: patientId })).toString("base64url");
    const url = `/api/consent/patients/${encodeURIComponent(patientId)}/trust-circle/dr-a`;

    const first = await startConsentServer(env);
    expect(await (await fetch(`${first.address}/health`)).json()).toEqual({ status: "ok", database: "ok" });
    expect((await fetch(`${first.address}${url}`, { method: "PUT", headers: { "x-opendsp-actor": actor } })).status).toBe(200);
    await first.close();

    const taken = await holdPort();
    try {
      await expect(startConsentServer({ ...env, CONSENT_PORT: String(taken.port) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    }

    // The embedded database was closed by the failed start: it opens again, with the rule written before.
    const second = await startConsentServer(env);
    try {
      const res = await fetch(`${second.address}/api/consent/patients/${encodeURIComponent(patientId)}/trust-circle`, { headers: { "x-opendsp-actor": actor } });
      expect(await res.json()).toMatchObject({ rulesVersion: 1, items: [{ professionalId: "dr-a" }] });
    } finally {
      await second.close();
    }
  });

  it("refuses to start when MIGRATE_ON_START is false and the schema is missing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "opendsp-consent-empty-"));
    try {
      await expect(startConsentServer({ CONSENT_DATA_DIR: empty, CONSENT_PORT: "0", LOG_LEVEL: "silent", MIGRATE_ON_START: "false" })).rejects.toMatchObject({ code: "CONSENT_SCHEMA_NOT_MIGRATED" });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
