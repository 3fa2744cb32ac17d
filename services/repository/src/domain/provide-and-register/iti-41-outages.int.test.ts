import { RESPONSE_STATUS } from "@opendsp/ebxml";
import { buildSoapFault } from "@opendsp/soap";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findByUniqueIds } from "../../storage/stored-document.repository.js";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister } from "../../testing/iti-41-message.builder.js";
import {
  getDocuments,
  listDocumentBlobs,
  startRepository,
  startTestRegistry,
  type RegistryUnderTest,
  type RepositoryUnderTest,
} from "../../testing/repository-harness.js";

/**
 * ITI-41 when a peer is down: no half-stored submission either way. Registry unreachable, stopped, hanging or
 * answering with a fault: the blobs already written are deleted before the answer (XDSRegistryNotAvailable /
 * XDSRegistryError). Blob store down: XDSRepositoryError and nothing registered.
 */
let registry: RegistryUnderTest;
const patientId = freshPatientId();

beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.feedPatient(patientId);
});

afterAll(async () => {
  await registry?.close();
});

/** A stand-in registry that misbehaves: hangs, or answers every request with a SOAP Fault. */
async function brokenRegistry(behaviour: "hang" | "fault"): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.resume();
    if (behaviour === "hang") return;
    req.on("end", () => {
      res.writeHead(500, { "content-type": "application/soap+xml; charset=UTF-8" }).end(buildSoapFault({ code: "Receiver", reason: "Registry database is in maintenance" }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/xds/registry`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("ITI-41 with the registry unavailable", () => {
  it("REGISTRY_URL on a closed port: XDSRegistryNotAvailable, and the blobs written are deleted", async () => {
    const repository = await startRepository({ blobs: "s3" });
    try {
      const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(50_000) }, { bytes: randomBytes(10) }] });
      const answer = await postProvideAndRegister(repository.url, request);
      expect(answer).toMatchObject({ format: "mtom", response: { status: RESPONSE_STATUS.failure } });
      expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRegistryNotAvailable"]);
      expect(answer.response?.errors[0]?.codeContext).not.toContain("127.0.0.1");
      expect(await listDocumentBlobs(repository.blobs)).toEqual([]);
      expect(await findByUniqueIds(repository.db, request.entries.map((e) => e.uniqueId ?? ""))).toEqual([]);
    } finally {
      await repository.close();
    }
  });

  it("the registry process stopped after a successful submission: the next one gets XDSRegistryNotAvailable and leaves no blob", async () => {
    const own = await startTestRegistry();
    const repository = await startRepository({ blobs: "folder", registryUrl: own.soapUrl });
    try {
      await own.feedPatient(patientId);
      const first = await buildProvideAndRegister({ patientId, format: "simple", documents: [{ bytes: randomBytes(100) }] });
      expect((await postProvideAndRegister(repository.url, first)).response?.status).toBe(RESPONSE_STATUS.success);
      const kept = await listDocumentBlobs(repository.blobs);
      expect(kept).toHaveLength(1);

      await own.stop();
      const second = await buildProvideAndRegister({ patientId, format: "simple", documents: [{ bytes: randomBytes(100) }] });
      const answer = await postProvideAndRegister(repository.url, second);
      expect(answer.format).toBe("simple");
      expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRegistryNotAvailable"]);
      expect(await listDocumentBlobs(repository.blobs)).toEqual(kept);
    } finally {
      await repository.close();
      await own.close();
    }
  });

  it("a registry that never answers: XDSRegistryNotAvailable after REGISTRY_TIMEOUT_MS, no blob", async () => {
    const hanging = await brokenRegistry("hang");
    const repository = await startRepository({ blobs: "s3", registryUrl: hanging.url, env: { REGISTRY_TIMEOUT_MS: "500" } });
    try {
      const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(1000) }] });
      const answer = await postProvideAndRegister(repository.url, request);
      expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRegistryNotAvailable"]);
      expect(await listDocumentBlobs(repository.blobs)).toEqual([]);
    } finally {
      await repository.close();
      await hanging.close();
    }
  });

  it("a registry answering with a SOAP Fault: XDSRegistryError with the fault's reason, no blob", async () => {
    const faulty = await brokenRegistry("fault");
    const repository = await startRepository({ blobs: "s3", registryUrl: faulty.url });
    try {
      const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(1000) }] });
      const answer = await postProvideAndRegister(repository.url, request);
      expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRegistryError"]);
      expect(answer.response?.errors[0]?.codeContext).toContain("Registry database is in maintenance");
      expect(await listDocumentBlobs(repository.blobs)).toEqual([]);
    } finally {
      await repository.close();
      await faulty.close();
    }
  });
});

describe("ITI-41 with the blob store unavailable", () => {
  let repository: RepositoryUnderTest;

  beforeAll(async () => {
    repository = await startRepository({ blobs: "s3", registryUrl: registry.soapUrl, env: {} });
  });

  afterAll(async () => {
    await repository?.close();
  });

  it("S3 down: XDSRepositoryError 'document store unavailable', nothing registered, no row", async () => {
    const working = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(100) }] });
    expect((await postProvideAndRegister(repository.url, working)).response?.status).toBe(RESPONSE_STATUS.success);

    await repository.s3?.stop();
    for (const format of ["mtom", "simple"] as const) {
      const request = await buildProvideAndRegister({ patientId, format, documents: [{ bytes: randomBytes(20_000) }, { bytes: randomBytes(10) }] });
      const answer = await postProvideAndRegister(repository.url, request);
      expect(answer).toMatchObject({ format, response: { status: RESPONSE_STATUS.failure } });
      expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryError"]);
      expect(answer.response?.errors[0]?.codeContext).toContain("document store is unavailable");
      const uniqueIds = request.entries.map((e) => e.uniqueId ?? "");
      expect(await findByUniqueIds(repository.db, uniqueIds)).toEqual([]);
      expect(await getDocuments(registry.soapUrl, uniqueIds)).toEqual([]);
    }
  });
});
