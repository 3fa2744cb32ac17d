import { ACTION, RESPONSE_STATUS, type DocumentRequest, type XdsError } from "@opendsp/ebxml";
import { ACCESS_HEADER, formatAccessHeader, type AccessRestriction } from "@opendsp/platform";
import { parseSoapFault, readSoapHttpBody } from "@opendsp/soap";
import { freshOid } from "@opendsp/testing";
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRepository, type RepositoryUnderTest } from "../../testing/repository-harness.js";
import { postRetrieve, retrieveEnvelope, type RetrieveAnswer } from "./iti-43-client.testing.js";

interface Stored {
  readonly uniqueId: string;
  readonly sha1: string;
  readonly size: number;
}

const sha1 = (b: Buffer): string => createHash("sha1").update(b).digest("hex");
/** The patient of the documents: the repository must ignore it (and authorId), only hiddenDocumentUniqueIds counts. */
const PATIENT = "P-43^^^&1.3.6.1.4.1.59999.2&ISO";

/** An answer's RegistryErrors with the given uniqueIds replaced by placeholders, to compare answers for other ids. */
function errorsWithout(answer: RetrieveAnswer, ids: Readonly<Record<string, string>>): XdsError[] {
  let text = JSON.stringify(answer.response.registryResponse.errors);
  for (const [id, placeholder] of Object.entries(ids)) text = text.replaceAll(id, placeholder);
  return JSON.parse(text) as XdsError[];
}

/** Posts simple SOAP with the raw header lines given (a field may repeat) and reads the SOAP Fault of the answer. */
async function postForFault(url: string, envelope: string, headerLines: readonly string[]): Promise<{ status: number; fault: ReturnType<typeof parseSoapFault> }> {
  const contentType = `application/soap+xml; charset=UTF-8; action="${ACTION.iti43.request}"`;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: ["host", new URL(url).host, "content-type", contentType, ...headerLines] }, resolve);
    req.on("error", reject);
    req.end(envelope);
  });
  const http = await readSoapHttpBody(response, response.headers["content-type"], { maxTotalBytes: 1024 * 1024 });
  const fault = parseSoapFault(http.root);
  await http.drain();
  return { status: response.statusCode ?? 0, fault };
}

describe.each(["s3", "folder"] as const)("ITI-43 under the gateway's access restriction (%s blobs)", (blobs) => {
  let repository: RepositoryUnderTest;
  let ours: (uniqueId: string) => DocumentRequest;
  let a: Stored;
  let b: Stored;
  let c: Stored;
  /** Registered, but its blob is gone: answered XDSRepositoryError if anything tried to open it. */
  let blobless: Stored;

  /** Stores a document the way ITI-41 leaves it: the blob, then its registered stored_document row. */
  async function store(content: Buffer, withBlob = true): Promise<Stored> {
    const uniqueId = freshOid();
    const blobKey = `iti43-access-test/${uniqueId}`;
    if (withBlob) await repository.blobs.put(blobKey, Readable.from([content]), { contentType: "application/pdf" });
    await repository.db
      .insertInto("stored_document")
      .values({
        document_unique_id: uniqueId,
        blob_key: blobKey,
        mime_type: "application/pdf",
        size: content.length,
        hash: sha1(content),
        state: "registered",
        registered_at: new Date(),
      })
      .execute();
    return { uniqueId, sha1: sha1(content), size: content.length };
  }

  const restricted = (hiddenDocumentUniqueIds: string[], extra: Partial<AccessRestriction> = {}) => ({
    [ACCESS_HEADER]: formatAccessHeader({ patientIds: [PATIENT], hiddenDocumentUniqueIds, ...extra }),
  });
  const retrieve = (ids: readonly string[], headers: Record<string, string> = {}) =>
    postRetrieve(repository.url, retrieveEnvelope(ids.map((id) => ours(id))), "mtom", headers);

  function expectDelivered(answer: RetrieveAnswer, doc: Stored): void {
    const part = answer.parts.get(doc.uniqueId);
    expect(part, doc.uniqueId).toBeDefined();
    expect(part?.size).toBe(doc.size);
    expect(part?.sha1).toBe(doc.sha1);
  }

  beforeAll(async () => {
    repository = await startRepository({ blobs });
    ours = (documentUniqueId) => ({ repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID, documentUniqueId });
    a = await store(randomBytes(2048));
    b = await store(Buffer.from("%PDF-1.7 lettre de sortie\n", "utf8"));
    c = await store(randomBytes(70 * 1024));
    blobless = await store(randomBytes(512), false);
  });

  afterAll(async () => {
    await repository?.close();
  });

  it("answers a hidden document exactly as an unknown uniqueId and delivers the others intact", async () => {
    const unknown = freshOid();
    const hiding = await retrieve([a.uniqueId, b.uniqueId, c.uniqueId], restricted([b.uniqueId]));
    const missing = await retrieve([a.uniqueId, unknown, c.uniqueId]);

    expect(hiding.httpStatus).toBe(200);
    expect(hiding.response.registryResponse.status).toBe(RESPONSE_STATUS.partialSuccess);
    expect(hiding.response.registryResponse.status).toBe(missing.response.registryResponse.status);
    const hiddenErrors = errorsWithout(hiding, { [b.uniqueId]: "ID" });
    expect(hiddenErrors).toHaveLength(1);
    expect(hiddenErrors[0]?.errorCode).toBe("XDSDocumentUniqueIdError");
    expect(hiddenErrors).toEqual(errorsWithout(missing, { [unknown]: "ID" }));
    expect(hiding.response.documentResponses.map((d) => d.documentUniqueId)).toEqual([a.uniqueId, c.uniqueId]);
    expect(hiding.parts.has(b.uniqueId)).toBe(false);
    expectDelivered(hiding, a);
    expectDelivered(hiding, c);
  });

  it("never opens the blob of a hidden document", async () => {
    const unrestricted = await retrieve([blobless.uniqueId]);
    expect(unrestricted.response.registryResponse.errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryError"]);
    const hiding = await retrieve([blobless.uniqueId], restricted([blobless.uniqueId]));
    expect(hiding.response.registryResponse.errors.map((e) => e.errorCode)).toEqual(["XDSDocumentUniqueIdError"]);
  });

  it("answers Failure when every requested document is hidden, as when none is known", async () => {
    const [u1, u2] = [freshOid(), freshOid()];
    const hiding = await retrieve([a.uniqueId, c.uniqueId], restricted([c.uniqueId, a.uniqueId]));
    const missing = await retrieve([u1, u2]);
    expect(hiding.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(missing.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    expect(hiding.response.documentResponses).toEqual([]);
    expect(hiding.parts.size).toBe(0);
    expect(errorsWithout(hiding, { [a.uniqueId]: "ID1", [c.uniqueId]: "ID2" })).toEqual(errorsWithout(missing, { [u1]: "ID1", [u2]: "ID2" }));
  });

  it("applies only hiddenDocumentUniqueIds: other patients and an authorId change nothing", async () => {
    const answer = await retrieve([a.uniqueId, b.uniqueId], restricted([], { patientIds: [], authorId: "2045" }));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    expectDelivered(answer, a);
    expectDelivered(answer, b);
    const hiddenFromAuthor = await retrieve([a.uniqueId], restricted([a.uniqueId], { authorId: "2045" }));
    expect(hiddenFromAuthor.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
  });

  it("delivers every document without the header", async () => {
    const answer = await retrieve([a.uniqueId, b.uniqueId, c.uniqueId]);
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    for (const doc of [a, b, c]) expectDelivered(answer, doc);
  });

  it("answers a malformed restriction with a Sender SOAP Fault, never with documents", async () => {
    const envelope = retrieveEnvelope([ours(a.uniqueId), ours(b.uniqueId)]);
    const valid = formatAccessHeader({ patientIds: [PATIENT], hiddenDocumentUniqueIds: [b.uniqueId] });
    const unknownField = Buffer.from(JSON.stringify({ v: 1, patientIds: [PATIENT], hiddenDocumentUniqueIds: [], scope: "all" })).toString("base64url");
    const cases: Record<string, string[]> = {
      "not base64url": [ACCESS_HEADER, "%%%"],
      "an unknown field": [ACCESS_HEADER, unknownField],
      "given twice": [ACCESS_HEADER, valid, ACCESS_HEADER, valid],
    };
    for (const [why, lines] of Object.entries(cases)) {
      const { status, fault } = await postForFault(repository.url, envelope, lines);
      expect(status, why).toBe(400);
      expect(fault?.code, why).toBe("Sender");
      expect(fault?.reason, why).toMatch(/access restriction is malformed/);
      expect(fault?.reason, why).not.toContain(PATIENT);
    }
  });
});
