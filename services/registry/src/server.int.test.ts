import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistryServer } from "./server.js";

/** A TCP port held by another listener for the whole test. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port };
}

async function freePort(): Promise<number> {
  const { server, port } = await holdPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("startRegistryServer", () => {
  let dataDir = "";
  let taken: { server: Server; port: number };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "opendsp-registry-start-"));
    taken = await holdPort();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("leaves nothing open when a start fails: the same HTTP port and embedded database start cleanly right after", async () => {
    const httpPort = await freePort();
    const env = { REGISTRY_DATA_DIR: dataDir, REGISTRY_PORT: String(httpPort), LOG_LEVEL: "silent" };
    // The MLLP port is taken: the HTTP listener and the database were already open when the start failed.
    await expect(startRegistryServer({ ...env, HL7_MLLP_PORT: String(taken.port) })).rejects.toThrow(/EADDRINUSE/);
    const registry = await startRegistryServer({ ...env, HL7_MLLP_PORT: "0" });
    try {
      expect(registry.address).toBe(`http://127.0.0.1:${httpPort}`);
      expect((await fetch(`${registry.address}/health`)).status).toBe(200);
    } finally {
      await registry.close();
    }
  });
});
