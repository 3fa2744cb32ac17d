import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_DELIVERY, type AuditIntakeRequest, type AuditRecord } from "@opendsp/atna";
import Fastify from "fastify";
import { startRegistryServer } from "./server.js";
import { holdPort } from "@opendsp/testing";

/** A TCP port held by another listener for the whole test. */
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

  it("starts the audit relay when AUDIT_URL is set: an ITI-8 change from the admin API reaches the audit intake", async () => {
    const received: AuditRecord[] = [];
    const intake = Fastify();
    intake.post(AUDIT_DELIVERY.intakePath, (request, reply) => {
      received.push(...((request.body as AuditIntakeRequest).records as AuditRecord[]));
      return reply.send({ stored: 1, duplicates: 0 });
    });
    const auditUrl = await intake.listen({ host: "127.0.0.1", port: 0 });
    const registry = await startRegistryServer({
      REGISTRY_DATA_DIR: join(dataDir, "relay"),
      REGISTRY_PORT: "0",
      HL7_MLLP_PORT: "-1",
      REGISTRY_CODES: "open",
      AUDIT_URL: auditUrl,
      REGISTRY_AUDIT_SOURCE_ID: "registry-under-test",
      LOG_LEVEL: "silent",
    });
    try {
      const patientId = "RELAY1^^^&1.3.6.1.4.1.21367.13.20.1000&ISO";
      const res = await fetch(`${registry.address}/api/patients/${encodeURIComponent(patientId)}`, { method: "PUT" });
      expect(res.status).toBe(201);
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received).toEqual([expect.objectContaining({ transaction: "ITI-8", role: "registry", patientIds: [patientId], auditSource: { id: "registry-under-test", service: "registry" } })]);
    } finally {
      await registry.close();
      await intake.close();
    }
  });
});
