import { ACTION, RESPONSE_STATUS } from "@opendsp/ebxml";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findByUniqueIds } from "../../storage/stored-document.repository.js";
import { readFixture } from "../../testing/iti-41-fixtures.js";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister, sha1, type TestDocument } from "../../testing/iti-41-message.builder.js";
import { blobDigest, startRepository, startTestRegistry, type RegistryUnderTest, type RepositoryUnderTest } from "../../testing/repository-harness.js";

/**
 * Documents of every shape through ITI-41, with both blob stores: binary bytes (1 byte, 3 MiB random), a real PDF,
 * several documents in one submission, MTOM with optimized and inline parts, simple SOAP. Each must come back from
 * the store byte-identical and be registered with the hash and size the repository computed.
 */
const PDF = readFixture("documents", "nist-12029-my_document.pdf");

let registry: RegistryUnderTest;
let patientId: string;

beforeAll(async () => {
  registry = await startTestRegistry();
  patientId = freshPatientId();
  await registry.feedPatient(patientId);
});

afterAll(async () => {
  await registry?.close();
});

describe.each(["s3", "folder"] as const)("ITI-41 documents stored in the %s blob store", (blobs) => {
  let repository: RepositoryUnderTest;

  beforeAll(async () => {
    repository = await startRepository({ blobs, registryUrl: registry.soapUrl });
  });

  afterAll(async () => {
    await repository?.close();
  });

  /** Submits, expects Success in the request's format, and checks every document in the store and the registry. */
  async function submitAndCheck(format: "mtom" | "simple", documents: readonly TestDocument[]): Promise<void> {
    const request = await buildProvideAndRegister({ patientId, documents, format });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.errors).toEqual([]);
    expect(answer).toMatchObject({ httpStatus: 200, format, action: ACTION.iti41.response, response: { status: RESPONSE_STATUS.success } });
    expect(answer.relatesTo).toEqual([request.messageId]);

    const uniqueIds = request.entries.map((e) => e.uniqueId ?? "");
    const rows = await findByUniqueIds(repository.db, uniqueIds);
    const registered = await registry.getDocuments(uniqueIds);
    for (const [i, entry] of request.entries.entries()) {
      const bytes = documents[i]?.bytes ?? Buffer.alloc(0);
      const row = rows.find((r) => r.documentUniqueId === entry.uniqueId);
      expect(row).toMatchObject({ state: "registered", hash: sha1(bytes), size: bytes.length, mimeType: entry.mimeType });
      if (row) {
        const blob = await blobDigest(repository.blobs, row.blobKey);
        expect(blob.size).toBe(bytes.length);
        expect(blob.bytes.equals(bytes)).toBe(true);
      }
      expect(registered.find((r) => r.uniqueId === entry.uniqueId)).toMatchObject({
        hash: sha1(bytes),
        size: String(bytes.length),
        repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID,
        mimeType: entry.mimeType,
      });
    }
  }

  it("one random byte, as an MTOM part", async () => {
    await submitAndCheck("mtom", [{ bytes: randomBytes(1) }]);
  });

  it("3 MiB of random bytes, streamed as an MTOM part", async () => {
    await submitAndCheck("mtom", [{ bytes: randomBytes(3 * 1024 * 1024) }]);
  });

  it("a real PDF (NIST test 12029), as an MTOM part", async () => {
    await submitAndCheck("mtom", [{ bytes: PDF, mimeType: "application/pdf" }]);
  });

  it("an empty document", async () => {
    await submitAndCheck("mtom", [{ bytes: Buffer.alloc(0), mimeType: "text/plain" }]);
  });

  it("several documents in one submission, optimized and inline (unoptimized MTOM) mixed", async () => {
    await submitAndCheck("mtom", [
      { bytes: PDF, mimeType: "application/pdf" },
      { bytes: randomBytes(200_000) },
      { bytes: Buffer.from("inline in an MTOM package", "utf8"), mimeType: "text/plain", payload: "inline" },
      { bytes: randomBytes(1) },
    ]);
  });

  it("simple SOAP with inline base64 documents, answered in simple SOAP", async () => {
    await submitAndCheck("simple", [
      { bytes: PDF, mimeType: "application/pdf" },
      { bytes: randomBytes(70_000) },
    ]);
  });

  it("declared hash (upper case) and size that match are accepted", async () => {
    const bytes = randomBytes(1000);
    await submitAndCheck("mtom", [{ bytes, entry: { hash: sha1(bytes).toUpperCase(), size: String(bytes.length) } }]);
  });

  it("a repositoryUniqueId equal to this repository's is accepted", async () => {
    await submitAndCheck("mtom", [{ bytes: randomBytes(10), entry: { repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID } }]);
  });
});
