import { ACTION, ERROR_SEVERITY, RESPONSE_STATUS, parseXml, type DocumentRequest } from "@opendsp/ebxml";
import { buildSoapRequest, serializeSoapEnvelope } from "@opendsp/soap";
import { createBlobStore, createLogger, migrateToLatest, openDatabase, type BlobStore, type Database } from "@opendsp/platform";
import { createPostgresTestDatabase, freshOid, startS3TestServer, type TestDatabase } from "@opendsp/testing";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_MIGRATIONS } from "../../../migrations/index.js";
import { REPOSITORY_SOAP_PATH, buildApp } from "../../app.js";
import { loadRepositoryConfig } from "../../config.js";
import type { RepositoryDatabase } from "../../storage/repository-database.js";
import { postRetrieve, retrieveEnvelope, type RetrieveAnswer } from "./iti-43-client.testing.js";
import { EAGERLY_OPENED_DOCUMENTS } from "./retrieve-documents.js";
import { residentBytes, sampleResidentMemory, startRepositoryProcess } from "@opendsp/testing";

const REPOSITORY_ID = "1.3.6.1.4.1.59999.3.43";
const OTHER_REPOSITORY_ID = "1.3.6.1.4.1.59999.3.99";
const SAMPLES = join(import.meta.dirname, "../../../../../test/fixtures/samples/nist-iheos-toolkit2");
const MiB = 1024 * 1024;

interface Stored {
  readonly uniqueId: string;
  readonly mimeType: string;
  readonly sha1: string;
  readonly size: number;
}

const sha1 = (b: Buffer): string => createHash("sha1").update(b).digest("hex");
const errorCodes = (a: RetrieveAnswer): string[] =>
  a.response.registryResponse.errors.filter((e) => e.severity === ERROR_SEVERITY.error).map((e) => e.errorCode);
const ours = (documentUniqueId: string, homeCommunityId?: string): DocumentRequest => ({
  repositoryUniqueId: REPOSITORY_ID,
  documentUniqueId,
  ...(homeCommunityId === undefined ? {} : { homeCommunityId }),
});

describe.each(["s3", "folder"] as const)("ITI-43 Retrieve Document Set from %s blobs", (kind) => {
  let testDb: TestDatabase;
  let database: Database<RepositoryDatabase>;
  let blobs: BlobStore;
  let app: FastifyInstance;
  let url: string;
  /** The settings of the repository under test, for starting it as a process too. */
  let serviceEnv: Record<string, string>;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    testDb = await createPostgresTestDatabase("opendsp_test_iti43");
    database = await openDatabase<RepositoryDatabase>({ url: testDb.url });
    await migrateToLatest(database.db as Kysely<unknown>, REPOSITORY_MIGRATIONS);
    const dataDir = mkdtempSync(join(tmpdir(), "opendsp-iti43-"));
    cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
    const env: Record<string, string> = { REPOSITORY_UNIQUE_ID: REPOSITORY_ID, DATABASE_URL: testDb.url, REPOSITORY_DATA_DIR: dataDir };
    if (kind === "s3") {
      const s3 = await startS3TestServer();
      cleanups.push(() => s3.stop());
      Object.assign(env, { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_BUCKET: `iti43-${Date.now()}` });
    }
    serviceEnv = env;
    const config = loadRepositoryConfig(env);
    blobs = createBlobStore({
      S3_ENDPOINT: config.S3_ENDPOINT,
      S3_ACCESS_KEY: config.S3_ACCESS_KEY,
      S3_SECRET_KEY: config.S3_SECRET_KEY,
      S3_BUCKET: config.S3_BUCKET,
      S3_REGION: config.S3_REGION,
      dataDir: join(dataDir, "blobs"),
    });
    await blobs.ensureReady();
    app = buildApp({ config, db: database.db, blobs, auditWritten: () => undefined }, createLogger({ service: "repository-test", level: "silent" }));
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    url = `${address}${REPOSITORY_SOAP_PATH}`;
  });

  afterAll(async () => {
    await app.close();
    await database.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
    await testDb.drop();
  });

  /** Stores a document the way ITI-41 leaves it: the blob, then its stored_document row. */
  async function store(
    content: Buffer | { readonly size: number; readonly chunk: number },
    options: { mimeType?: string; state?: "pending" | "registered"; withBlob?: boolean } = {},
  ): Promise<Stored> {
    const uniqueId = freshOid();
    const blobKey = `iti43-test/${uniqueId}`;
    const mimeType = options.mimeType ?? "application/octet-stream";
    let hash: string;
    let size: number;
    if (Buffer.isBuffer(content)) {
      if (options.withBlob !== false) await blobs.put(blobKey, Readable.from([content]), { contentType: mimeType });
      hash = sha1(content);
      size = content.length;
    } else {
      // Large documents are generated chunk by chunk so the test process never holds them.
      const h = createHash("sha1");
      const chunk = randomBytes(content.chunk);
      const total = content.size;
      function* generate(): Generator<Buffer> {
        for (let sent = 0; sent < total; sent += chunk.length) {
          chunk.writeUInt32LE(sent, 0); // every chunk differs, so a repeated or dropped chunk changes the hash
          const piece = Buffer.from(chunk.subarray(0, Math.min(chunk.length, total - sent)));
          h.update(piece);
          yield piece;
        }
      }
      await blobs.put(blobKey, Readable.from(generate()), { contentType: mimeType });
      hash = h.digest("hex");
      size = total;
    }
    await database.db
      .insertInto("stored_document")
      .values({
        document_unique_id: uniqueId,
        blob_key: blobKey,
        mime_type: mimeType,
        size,
        hash,
        state: options.state ?? "registered",
        registered_at: options.state === "pending" ? null : new Date(),
      })
      .execute();
    return { uniqueId, mimeType, sha1: hash, size };
  }

  function expectReturned(answer: RetrieveAnswer, doc: Stored, homeCommunityId?: string): void {
    const response = answer.response.documentResponses.find((d) => d.documentUniqueId === doc.uniqueId);
    expect(response, doc.uniqueId).toBeDefined();
    expect(response?.repositoryUniqueId).toBe(REPOSITORY_ID);
    expect(response?.mimeType).toBe(doc.mimeType);
    expect(response?.payload.kind).toBe("xop");
    expect(response?.homeCommunityId).toBe(homeCommunityId);
    const part = answer.parts.get(doc.uniqueId);
    expect(part, `part of ${doc.uniqueId}`).toBeDefined();
    expect(part?.size).toBe(doc.size);
    expect(part?.sha1).toBe(doc.sha1);
  }

  it("returns several documents byte-identical, each in its own MTOM part, with mimeType and repositoryUniqueId", async () => {
    const one = await store(randomBytes(1));
    const big = await store(randomBytes(2 * MiB), { mimeType: "application/pdf" });
    const text = await store(Buffer.from("<ClinicalDocument>compte rendu — cardiologie</ClinicalDocument>\n", "utf8"), { mimeType: "text/xml" });
    const answer = await postRetrieve(url, retrieveEnvelope([ours(one.uniqueId), ours(big.uniqueId), ours(text.uniqueId)]));
    expect(answer.httpStatus).toBe(200);
    expect(answer.format).toBe("mtom");
    expect(answer.contentType).toMatch(/^multipart\/related;/);
    expect(answer.action).toBe("urn:ihe:iti:2007:RetrieveDocumentSetResponse");
    expect(answer.relatesTo).toHaveLength(1);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    expect(answer.response.registryResponse.errors).toEqual([]);
    expect(answer.response.documentResponses.map((d) => d.documentUniqueId)).toEqual([one.uniqueId, big.uniqueId, text.uniqueId]);
    for (const doc of [one, big, text]) expectReturned(answer, doc);
    expect(answer.parts.get(text.uniqueId)?.contentType).toMatch(/^text\/xml/);
    // The stored sizes make the whole answer's length known: it is declared, not sent chunked.
    expect(answer.contentLength).toBe(answer.receivedBytes);
  });

  it("opens the first documents at once and checks the rest before streaming, a document asked twice included", async () => {
    const docs = await Promise.all(Array.from({ length: EAGERLY_OPENED_DOCUMENTS + 3 }, (_, i) => store(randomBytes(1000 + i))));
    const lost = await store(randomBytes(10), { withBlob: false });
    const first = docs[0]!;
    const requests = [...docs.map((d) => ours(d.uniqueId)), ours(lost.uniqueId), ours(first.uniqueId)];
    const answer = await postRetrieve(url, retrieveEnvelope(requests));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.partialSuccess);
    expect(errorCodes(answer)).toEqual(["XDSRepositoryError"]);
    expect(answer.response.documentResponses.map((d) => d.documentUniqueId)).toEqual([...docs.map((d) => d.uniqueId), first.uniqueId]);
    const hrefs = answer.response.documentResponses.map((d) => (d.payload.kind === "xop" ? d.payload.href : ""));
    expect(new Set(hrefs).size).toBe(hrefs.length);
    for (const doc of docs) expectReturned(answer, doc);
  });

  it("echoes the HomeCommunityId of a request that carries one", async () => {
    const doc = await store(randomBytes(1000));
    const answer = await postRetrieve(url, retrieveEnvelope([ours(doc.uniqueId, "urn:oid:1.3.6.1.4.1.59999.1")]));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    expectReturned(answer, doc, "urn:oid:1.3.6.1.4.1.59999.1");
  });

  it("answers an unknown document with XDSDocumentUniqueIdError and Failure", async () => {
    const unknown = freshOid();
    const answer = await postRetrieve(url, retrieveEnvelope([ours(unknown)]));
    expect(answer.httpStatus).toBe(200);
    expect(answer.format).toBe("mtom"); // MTOM in, MTOM out
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.response.documentResponses).toEqual([]);
    expect(errorCodes(answer)).toEqual(["XDSDocumentUniqueIdError"]);
    expect(answer.response.registryResponse.errors[0]?.location).toBe(unknown);
  });

  it("answers a simple SOAP request that finds nothing in simple SOAP", async () => {
    const answer = await postRetrieve(url, retrieveEnvelope([ours(freshOid())]), "simple");
    expect(answer.format).toBe("simple");
    expect(answer.contentType).toMatch(/^application\/soap\+xml/);
    expect(errorCodes(answer)).toEqual(["XDSDocumentUniqueIdError"]);
  });

  it("returns what it holds with PartialSuccess and lists an error for each of the rest", async () => {
    const a = await store(randomBytes(5000));
    const b = await store(randomBytes(7000), { mimeType: "application/pdf" });
    const unknown = freshOid();
    const elsewhere = freshOid();
    const answer = await postRetrieve(
      url,
      retrieveEnvelope([ours(a.uniqueId), ours(unknown), { repositoryUniqueId: OTHER_REPOSITORY_ID, documentUniqueId: elsewhere }, ours(b.uniqueId)]),
    );
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.partialSuccess);
    expect(answer.response.registryResponse.status).toBe("urn:ihe:iti:2007:ResponseStatusType:PartialSuccess");
    expect(answer.response.documentResponses.map((d) => d.documentUniqueId)).toEqual([a.uniqueId, b.uniqueId]);
    expectReturned(answer, a);
    expectReturned(answer, b);
    expect(answer.response.registryResponse.errors.map((e) => [e.errorCode, e.location])).toEqual([
      ["XDSDocumentUniqueIdError", unknown],
      ["XDSUnknownRepositoryId", elsewhere],
    ]);
  });

  it("answers a request for another repository with XDSUnknownRepositoryId, even for a document it holds", async () => {
    const doc = await store(randomBytes(100));
    const answer = await postRetrieve(url, retrieveEnvelope([{ repositoryUniqueId: OTHER_REPOSITORY_ID, documentUniqueId: doc.uniqueId }]));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.response.documentResponses).toEqual([]);
    expect(answer.response.registryResponse.errors.map((e) => [e.errorCode, e.location])).toEqual([["XDSUnknownRepositoryId", doc.uniqueId]]);
  });

  it("does not return a document the registry has not accepted (pending)", async () => {
    const pending = await store(randomBytes(100), { state: "pending" });
    const answer = await postRetrieve(url, retrieveEnvelope([ours(pending.uniqueId)]));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.parts.size).toBe(0);
    expect(errorCodes(answer)).toEqual(["XDSDocumentUniqueIdError"]);
  });

  it("reports a registered document whose blob is missing as XDSRepositoryError, before streaming anything", async () => {
    const lost = await store(randomBytes(100), { withBlob: false });
    const kept = await store(randomBytes(300));
    const answer = await postRetrieve(url, retrieveEnvelope([ours(lost.uniqueId), ours(kept.uniqueId)]));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.partialSuccess);
    expect(answer.response.registryResponse.errors.map((e) => [e.errorCode, e.location])).toEqual([["XDSRepositoryError", lost.uniqueId]]);
    expectReturned(answer, kept);
    const alone = await postRetrieve(url, retrieveEnvelope([ours(lost.uniqueId)]));
    expect(alone.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(errorCodes(alone)).toEqual(["XDSRepositoryError"]);
  });

  it("breaks the answer off rather than send a blob whose length differs from the recorded size", async () => {
    const altered = await store(randomBytes(1000));
    await database.db.updateTable("stored_document").set({ size: altered.size + 10 }).where("document_unique_id", "=", altered.uniqueId).execute();
    await expect(postRetrieve(url, retrieveEnvelope([ours(altered.uniqueId)]))).rejects.toThrow();
    // The endpoint keeps serving.
    const kept = await store(randomBytes(300));
    expectReturned(await postRetrieve(url, retrieveEnvelope([ours(kept.uniqueId)])), kept);
  });

  it("answers a request without DocumentRequest with a Failure listing the error", async () => {
    const envelope = retrieveEnvelope([]);
    const answer = await postRetrieve(url, envelope);
    expect(answer.httpStatus).toBe(200);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.response.documentResponses).toEqual([]);
    expect(answer.response.registryResponse.errors.length).toBeGreaterThan(0);
  });

  it("answers a body that is not a RetrieveDocumentSetRequest with XDSRepositoryMetadataError", async () => {
    const envelope = retrieveEnvelope([ours(freshOid())]).replace(/RetrieveDocumentSetRequest/g, "RetrieveDocumentRequest");
    const answer = await postRetrieve(url, envelope);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(errorCodes(answer)).toEqual(["XDSRepositoryMetadataError"]);
  });

  it("serves the NIST toolkit's RetrieveDocumentSet request template (ten DocumentRequests)", async () => {
    const docs: Stored[] = [];
    for (let i = 0; i < 10; i++) docs.push(await store(randomBytes(1000 + i * 517), { mimeType: i % 2 ? "text/plain" : "application/pdf" }));
    let body = readFileSync(join(SAMPLES, "testkit/utilities/RetrieveDocumentSet/XDS/query.xml"), "utf8").replaceAll("$repuid$", REPOSITORY_ID);
    docs.forEach((d, i) => (body = body.replace(`$uid${i}$`, d.uniqueId)));
    expect(body).not.toContain("$");
    const envelope = serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti43.request, body: parseXml(body) }).envelope);
    const answer = await postRetrieve(url, envelope);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    expect(answer.response.documentResponses).toHaveLength(10);
    for (const d of docs) expectReturned(answer, d);
  });

  it("serves the NIST message validator's soap-ret-req.xml envelope as sent", async () => {
    const a = await store(randomBytes(4096), { mimeType: "text/xml" });
    const b = await store(randomBytes(8192), { mimeType: "application/pdf" });
    const envelope = readFileSync(join(SAMPLES, "messagevalidator/soap-ret-req.xml"), "utf8")
      .replaceAll("1.3.6.1.4...1000", REPOSITORY_ID)
      .replace("1.3.6.1.4...2300", a.uniqueId)
      .replace("1.3.6.1.4...2301", b.uniqueId);
    const answer = await postRetrieve(url, envelope);
    expect(answer.relatesTo).toEqual(["urn:uuid:0fbfdced-6c01-4d09-a110-2201afedaa02"]);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    expectReturned(answer, a);
    expectReturned(answer, b);
  });

  it("streams a 200 MiB document from a repository process whose RSS grows far less than the document", async () => {
    const doc = await store({ size: 200 * MiB, chunk: 256 * 1024 });
    const warmUp = await store(randomBytes(MiB));
    // The repository as deployed, in its own process, so that only its memory is measured (not this test's
    // client, nor the S3 server running in this process).
    const repository = await startRepositoryProcess({ ...serviceEnv, REPOSITORY_ORPHAN_GRACE_SECONDS: "86400" });
    try {
      expectReturned(await postRetrieve(repository.soapUrl, retrieveEnvelope([ours(warmUp.uniqueId)])), warmUp);
      const baseline = await residentBytes(repository.pid);
      const sampler = sampleResidentMemory(repository.pid, 50);
      const answer = await postRetrieve(repository.soapUrl, retrieveEnvelope([ours(doc.uniqueId)]));
      const { peak, samples } = await sampler.stop();
      expectReturned(answer, doc);
      expect(samples).toBeGreaterThan(3);
      expect((peak - baseline) / 1e6, `RSS growth while streaming 200 MiB`).toBeLessThan(100);
    } finally {
      await repository.stop();
    }
  }, 180_000);
});
