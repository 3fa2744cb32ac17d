import { ACTION, NS, RESPONSE_STATUS, element } from "@opendsp/ebxml";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findByUniqueIds } from "../../storage/stored-document.repository.js";
import { SIMPLE_ITI41_CONTENT_TYPE } from "../../testing/iti-41-fixtures.js";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister, sha1, type BuiltSubmission } from "../../testing/iti-41-message.builder.js";
import {
  blobDigest,
  listDocumentBlobs,
  startRepository,
  startTestRegistry,
  type RegistryUnderTest,
  type RepositoryUnderTest,
} from "../../testing/repository-harness.js";

/**
 * ITI-41 requests the repository must refuse, each with its precise IHE error code, leaving no blob, no row and
 * nothing registered behind (all or nothing, ITI TF-2b 3.41.4.1.3).
 */
let registry: RegistryUnderTest;
let repository: RepositoryUnderTest;
let patientId: string;
let blobsBefore: string[];

beforeAll(async () => {
  registry = await startTestRegistry();
  repository = await startRepository({ blobs: "s3", registryUrl: registry.soapUrl });
  patientId = freshPatientId();
  await registry.feedPatient(patientId);
});

afterAll(async () => {
  await repository?.close();
  await registry?.close();
});

beforeEach(async () => {
  blobsBefore = await listDocumentBlobs(repository.blobs);
});

/** Nothing of `request` was kept: no new blob, no row, no registry entry. */
async function expectNothingKept(request: BuiltSubmission): Promise<void> {
  const uniqueIds = request.entries.map((e) => e.uniqueId ?? "");
  expect(await listDocumentBlobs(repository.blobs)).toEqual(blobsBefore);
  expect(await findByUniqueIds(repository.db, uniqueIds)).toEqual([]);
  expect(await registry.getDocuments(uniqueIds)).toEqual([]);
}

describe("ITI-41 refusals", () => {
  it("declared hash that differs from the document: XDSNonIdenticalHash at the uniqueId, no ITI-42, no blob", async () => {
    const request = await buildProvideAndRegister({
      patientId,
      format: "mtom",
      documents: [{ bytes: randomBytes(5000), entry: { hash: sha1(Buffer.from("something else")) } }],
    });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer).toMatchObject({ format: "mtom", response: { status: RESPONSE_STATUS.failure } });
    expect(answer.response?.errors).toEqual([expect.objectContaining({ errorCode: "XDSNonIdenticalHash", location: request.entries[0]?.uniqueId })]);
    await expectNothingKept(request);
  });

  it("declared size that differs: XDSNonIdenticalSize, no blob", async () => {
    const bytes = randomBytes(5000);
    const request = await buildProvideAndRegister({ patientId, format: "simple", documents: [{ bytes, entry: { size: "4999" } }] });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.format).toBe("simple");
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSNonIdenticalSize"]);
    await expectNothingKept(request);
  });

  it("one bad document among good ones: the whole submission is refused and none of its blobs stays", async () => {
    const good = randomBytes(100_000);
    const request = await buildProvideAndRegister({
      patientId,
      format: "mtom",
      documents: [{ bytes: good }, { bytes: randomBytes(10), entry: { hash: "0".repeat(40), size: "11" } }, { bytes: randomBytes(20) }],
    });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSNonIdenticalHash", "XDSNonIdenticalSize"]);
    await expectNothingKept(request);
  });

  it("a DocumentEntry without its Document: XDSMissingDocument", async () => {
    const request = await buildProvideAndRegister({
      patientId,
      format: "mtom",
      documents: [{ bytes: randomBytes(10) }, { bytes: randomBytes(10), withoutDocument: true }],
    });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSMissingDocument"]);
    await expectNothingKept(request);
  });

  it("a Document without metadata: XDSMissingDocumentMetadata", async () => {
    const request = await buildProvideAndRegister({
      patientId,
      format: "simple",
      documents: [{ bytes: randomBytes(10) }],
      extraDocuments: [{ id: "Document99", bytes: randomBytes(10) }],
    });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.errors).toEqual([expect.objectContaining({ errorCode: "XDSMissingDocumentMetadata", location: "Document99" })]);
    await expectNothingKept(request);
  });

  it("an xop:Include naming no part of the message: XDSMissingDocument", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(10) }, { bytes: randomBytes(10) }] });
    const text = request.body.toString("latin1");
    const hrefs = [...text.matchAll(/href="(cid:[^"]+)"/g)].map((m) => m[1] ?? "");
    const body = Buffer.from(text.replace(hrefs[1] ?? "", "cid:not-in-this-message@test.opendsp"), "latin1");
    const answer = await postProvideAndRegister(repository.url, { contentType: request.contentType, body });
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSMissingDocument"]);
    await expectNothingKept(request);
  });

  it("a repositoryUniqueId of another repository: XDSRepositoryMetadataError (ITI TF-2b 3.41.4.1.3)", async () => {
    const request = await buildProvideAndRegister({
      patientId,
      format: "mtom",
      documents: [{ bytes: randomBytes(10), entry: { repositoryUniqueId: "1.2.3.4.5.6" } }],
    });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryMetadataError"]);
    expect(answer.response?.errors[0]?.codeContext).toContain("1.2.3.4.5.6");
    await expectNothingKept(request);
  });

  it("invalid metadata (no uniqueId): XDSRepositoryMetadataError before anything is stored", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(10), entry: { uniqueId: "not an oid" } }] });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer.response?.status).toBe(RESPONSE_STATUS.failure);
    expect(new Set(answer.response?.errors.map((e) => e.errorCode))).toEqual(new Set(["XDSRepositoryMetadataError"]));
    expect(await listDocumentBlobs(repository.blobs)).toEqual(blobsBefore);
  });

  it("a body that is not a ProvideAndRegisterDocumentSetRequest: XDSRepositoryMetadataError", async () => {
    const { envelope } = buildSoapRequest({ action: ACTION.iti41.request, body: element(NS.lcm, "SubmitObjectsRequest") });
    const answer = await postProvideAndRegister(repository.url, { contentType: SIMPLE_ITI41_CONTENT_TYPE, body: Buffer.from(serializeSoapEnvelope(envelope)) });
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryMetadataError"]);
  });

  it("a patient the registry does not know: the registry's XDSUnknownPatientId is relayed and the blob removed", async () => {
    const request = await buildProvideAndRegister({ patientId: freshPatientId(), format: "mtom", documents: [{ bytes: randomBytes(3000) }] });
    const answer = await postProvideAndRegister(repository.url, request);
    expect(answer).toMatchObject({ format: "mtom", response: { status: RESPONSE_STATUS.failure } });
    expect(answer.response?.errors.map((e) => e.errorCode)).toContain("XDSUnknownPatientId");
    await expectNothingKept(request);
  });

  it("a uniqueId already stored here with other bytes: XDSNonIdenticalHash, the stored document untouched", async () => {
    const first = randomBytes(100);
    const original = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: first }] });
    expect((await postProvideAndRegister(repository.url, original)).response?.status).toBe(RESPONSE_STATUS.success);
    const uniqueId = original.entries[0]?.uniqueId ?? "";
    const [row] = await findByUniqueIds(repository.db, [uniqueId]);

    const blobsAfterFirst = await listDocumentBlobs(repository.blobs);
    const again = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(100), entry: { uniqueId } }] });
    const answer = await postProvideAndRegister(repository.url, again);
    expect(answer.response?.errors).toEqual([expect.objectContaining({ errorCode: "XDSNonIdenticalHash", location: uniqueId })]);
    expect(await listDocumentBlobs(repository.blobs)).toEqual(blobsAfterFirst);
    expect(await findByUniqueIds(repository.db, [uniqueId])).toEqual([row]);
    if (row) expect((await blobDigest(repository.blobs, row.blobKey)).sha1).toBe(sha1(first));
  });

  it("the same document provided again (a retry after a lost answer): compared, not stored twice, registered again by the registry", async () => {
    const bytes = randomBytes(300);
    const original = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes }] });
    expect((await postProvideAndRegister(repository.url, original)).response?.status).toBe(RESPONSE_STATUS.success);
    const uniqueId = original.entries[0]?.uniqueId ?? "";
    const [row] = await findByUniqueIds(repository.db, [uniqueId]);
    const blobsAfterFirst = await listDocumentBlobs(repository.blobs);

    const again = await buildProvideAndRegister({ patientId, format: "simple", documents: [{ bytes, entry: { uniqueId } }, { bytes: randomBytes(5) }] });
    const answer = await postProvideAndRegister(repository.url, again);
    expect(answer.response?.errors).toEqual([]);
    expect(answer.response?.status).toBe(RESPONSE_STATUS.success);
    expect(await findByUniqueIds(repository.db, [uniqueId])).toEqual([row]);
    // Only the second, new document added a blob.
    expect((await listDocumentBlobs(repository.blobs)).length).toBe(blobsAfterFirst.length + 1);
    expect(await registry.getDocuments([uniqueId])).not.toEqual([]);
  });

  it("an MTOM message cut in the middle of a document: a SOAP Fault, and the partial blob removed", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(10) }, { bytes: randomBytes(400_000) }] });
    const cut = request.body.subarray(0, request.body.length - 200_000);
    const answer = await postProvideAndRegister(repository.url, { contentType: request.contentType, body: cut });
    expect(answer.fault?.code).toBe("Sender");
    expect(answer.httpStatus).toBe(400);
    await expectNothingKept(request);
  });
});
