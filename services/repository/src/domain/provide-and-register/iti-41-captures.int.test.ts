import { ACTION, RESPONSE_STATUS, parseProvideAndRegisterRequest } from "@opendsp/ebxml";
import { parseSoapEnvelope, readSoapHttpBody } from "@opendsp/soap";
import { freshOid } from "@opendsp/testing";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findByUniqueIds } from "../../storage/stored-document.repository.js";
import { SIMPLE_ITI41_CONTENT_TYPE, httpCapture, readFixture, replaceAll, wrapInSoapEnvelope, type CapturedRequest } from "../../testing/iti-41-fixtures.js";
import { postProvideAndRegister, sha1 } from "../../testing/iti-41-message.builder.js";
import {
  blobDigest,
  listDocumentBlobs,
  startRepository,
  startTestRegistry,
  type RegistryUnderTest,
  type RepositoryUnderTest,
} from "../../testing/repository-harness.js";

/**
 * ITI-41 messages written by other implementations (NIST toolkit, Axis2, OpenHIM mediator, XcaDocumentSource),
 * replayed against the repository with the real registry process, PostgreSQL and an S3 server. Fixed uniqueIds
 * and ids are replaced by fresh ones (a uniqueId is registered once for ever); every other byte is as captured.
 */
let registry: RegistryUnderTest;
let repository: RepositoryUnderTest;

beforeAll(async () => {
  registry = await startTestRegistry();
  repository = await startRepository({ blobs: "s3", registryUrl: registry.soapUrl });
});

afterAll(async () => {
  await repository?.close();
  await registry?.close();
});

/** The bytes of each MTOM part of a capture, by Content-ID, read independently of the repository. */
async function partsOf(capture: CapturedRequest): Promise<Map<string, Buffer>> {
  const http = await readSoapHttpBody(Readable.from([capture.body]), capture.contentType);
  const parts = new Map<string, Buffer>();
  for await (const a of http.attachments) {
    const chunks: Buffer[] = [];
    for await (const c of a.body) chunks.push(c as Buffer);
    parts.set(a.contentId, Buffer.concat(chunks));
  }
  return parts;
}

/** The inline document bytes of a simple SOAP capture. */
function inlineDocument(capture: CapturedRequest, id: string): Buffer {
  const envelope = parseSoapEnvelope(capture.body);
  const parsed = parseProvideAndRegisterRequest(envelope.body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const doc = parsed.value.documents.find((d) => d.id === id);
  if (doc?.payload.kind !== "inline") throw new Error(`no inline document ${id}`);
  return Buffer.from(doc.payload.bytes);
}

/** After a Success: the blob holds exactly `bytes`, the row is registered, the registry has hash, size and our repositoryUniqueId. */
async function expectStoredAndRegistered(uniqueId: string, bytes: Buffer): Promise<void> {
  const [row] = await findByUniqueIds(repository.db, [uniqueId]);
  expect(row).toMatchObject({ state: "registered", hash: sha1(bytes), size: bytes.length });
  if (!row) return;
  expect(row.blobKey).toMatch(/^documents\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
  const blob = await blobDigest(repository.blobs, row.blobKey);
  expect(blob.sha1).toBe(sha1(bytes));
  expect(blob.bytes.equals(bytes)).toBe(true);
  const [entry] = await registry.getDocuments([uniqueId]);
  expect(entry).toMatchObject({ uniqueId, hash: sha1(bytes), size: String(bytes.length), repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID });
}

describe("ITI-41 captures replayed against the repository (S3, PostgreSQL, real registry)", () => {
  it("Axis2 MTOM capture (NIST http-mtom-pnr.txt): stored byte-identical, registered, answered in MTOM", async () => {
    await registry.feedPatient("11^^^&1.1&ISO");
    const uniqueId = freshOid();
    const raw = httpCapture(readFixture("mtom", "http-mtom-pnr.txt"));
    const capture = {
      contentType: raw.contentType,
      body: replaceAll(raw.body, {
        "1.42.20101011223601.2": uniqueId,
        "1.42.20101011223601.3": freshOid(),
        "urn:uuid:102439f8-5881-4b36-8b42-ef73ae560c04": `urn:uuid:${randomUUID()}`,
        "urn:uuid:b9383f1a-dc32-40cf-b1e4-a5af6f7967a5": `urn:uuid:${randomUUID()}`,
        "urn:uuid:47863814-16fd-4188-b055-bd4df7e43265": `urn:uuid:${randomUUID()}`,
      }),
    };
    const part = (await partsOf(capture)).get("1.urn:uuid:3D4B161591CD1DEC0C1286850962319@apache.org");
    expect(part?.toString("utf8")).toMatch(/^Four score and seven years ago/);

    const answer = await postProvideAndRegister(repository.url, capture);
    expect(answer.response?.errors).toEqual([]);
    expect(answer).toMatchObject({ httpStatus: 200, format: "mtom", action: ACTION.iti41.response, response: { status: RESPONSE_STATUS.success } });
    expect(answer.relatesTo).toEqual(["urn:uuid:3D4B161591CD1DEC0C1286850962146"]);
    if (part) await expectStoredAndRegistered(uniqueId, part);
  });

  it("NIST PnrXop body with its testplan Content-Type (no start parameter): my_document.txt stored, MTOM answer", async () => {
    await registry.feedPatient("SR7^^^&1.2.260&ISO");
    const plan = readFixture("mtom", "pnrxop-testplan.xml").toString("utf8");
    const contentType = /Content-Type:\s*(.+)/.exec(plan)?.[1]?.trim() ?? "";
    const uniqueId = freshOid();
    const capture = {
      contentType,
      body: replaceAll(readFixture("mtom", "pnrxop-body.txt"), { "1.42.20160705093311.6": uniqueId, "1.42.20160705093311.7": freshOid() }),
    };
    const answer = await postProvideAndRegister(repository.url, capture);
    expect(answer.response?.errors).toEqual([]);
    expect(answer).toMatchObject({ format: "mtom", response: { status: RESPONSE_STATUS.success } });
    await expectStoredAndRegistered(uniqueId, readFixture("mtom", "pnrxop-my_document.txt"));
  });

  it("NIST sim-proxy sample_mtom_message.txt as captured: its xop:Include names no part, so XDSMissingDocument and no blob", async () => {
    const body = readFixture("mtom", "sample_mtom_message.txt");
    const boundary = body.toString("latin1", 2, body.indexOf("\n")).trim();
    const before = await listDocumentBlobs(repository.blobs);
    const answer = await postProvideAndRegister(repository.url, {
      contentType: `multipart/related; boundary=${boundary}; type="application/xop+xml"; start-info="application/soap+xml"`,
      body: replaceAll(body, { "1.42.20170829075156.15": freshOid(), "1.42.20170829075156.16": freshOid() }),
    });
    expect(answer.format).toBe("mtom");
    expect(answer.response?.status).toBe(RESPONSE_STATUS.failure);
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["XDSMissingDocument"]);
    expect(await listDocumentBlobs(repository.blobs)).toEqual(before);
  });

  it("sample_mtom_message.txt with its include repaired: the registry refuses the RPLC of an unknown document, the Failure is relayed and the blob removed", async () => {
    await registry.feedPatient("P20170823094140.2^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO");
    const body = readFixture("mtom", "sample_mtom_message.txt");
    const boundary = body.toString("latin1", 2, body.indexOf("\n")).trim();
    const uniqueId = freshOid();
    const before = await listDocumentBlobs(repository.blobs);
    const answer = await postProvideAndRegister(repository.url, {
      contentType: `multipart/related; boundary=${boundary}; type="application/xop+xml"; start-info="application/soap+xml"`,
      body: replaceAll(body, {
        "1.42.20170829075156.15": uniqueId,
        "1.42.20170829075156.16": freshOid(),
        'href="cid:1.694859fac46e21a68c012f8f4fe208a370fc32b6e07ae79f@apache.org"': 'href="cid:2.694859fac46e21a68c012f8f4fe208a370fc32b6e07ae79f"',
      }),
    });
    expect(answer.format).toBe("mtom");
    expect(answer.response?.status).toBe(RESPONSE_STATUS.failure);
    // The registry's own error, relayed as it sent it.
    expect(answer.response?.errors.map((e) => e.errorCode)).toEqual(["UnresolvedReferenceException"]);
    expect(answer.response?.errors[0]?.codeContext).toContain("urn:uuid:934e4ab6-6e61-471a-b265-da54ddf06bed");
    expect(await listDocumentBlobs(repository.blobs)).toEqual(before);
    expect(await findByUniqueIds(repository.db, [uniqueId])).toEqual([]);
    expect(await registry.getDocuments([uniqueId])).toEqual([]);
  });

  it("XcaDocumentSource iti41-request2.xml as captured: a SubmissionSet known by its identifiers only is stored and registered", async () => {
    // ITI TF-3 4.2.1.3 wants the classification node urn:uuid:a54d6aa5-... on the SubmissionSet; this sender leaves it
    // out but names the package by its XDSSubmissionSet.* identifiers, which the validation accepts with a warning.
    await registry.feedPatient("76cc765a442f410^^^&1.3.6.1.4.1.21367.2005.3.7&ISO");
    const uniqueId = freshOid();
    const capture = {
      contentType: SIMPLE_ITI41_CONTENT_TYPE,
      body: replaceAll(readFixture("samples", "xcadocumentsource", "iti41-request2.xml"), { "1.2009.9.1.2455": uniqueId, "1.2009.9.1.2456": freshOid() }),
    };
    const answer = await postProvideAndRegister(repository.url, capture);
    expect(answer.format).toBe("simple");
    expect(answer.response?.status).toBe(RESPONSE_STATUS.success);
    await expectStoredAndRegistered(uniqueId, inlineDocument(capture, "Document01"));
  });

  it("XcaDocumentSource iti41-request2.xml with the SubmissionSet classification added: simple SOAP with inline base64, answered in simple SOAP", async () => {
    await registry.feedPatient("76cc765a442f410^^^&1.3.6.1.4.1.21367.2005.3.7&ISO");
    const uniqueId = freshOid();
    const capture = {
      contentType: SIMPLE_ITI41_CONTENT_TYPE,
      body: replaceAll(readFixture("samples", "xcadocumentsource", "iti41-request2.xml"), {
        "1.2009.9.1.2455": uniqueId,
        "1.2009.9.1.2456": freshOid(),
        "</rim:RegistryPackage>":
          '</rim:RegistryPackage><rim:Classification classifiedObject="SubmissionSet01" classificationNode="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd" id="id_ss" objectType="urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"/>',
      }),
    };
    const bytes = inlineDocument(capture, "Document01");
    expect(bytes.length).toBe(438);
    const answer = await postProvideAndRegister(repository.url, capture);
    expect(answer.response?.errors).toEqual([]);
    expect(answer).toMatchObject({ format: "simple", action: ACTION.iti41.response, response: { status: RESPONSE_STATUS.success } });
    expect(answer.relatesTo).toEqual(["urn:uuid:566EAD10FEBB55C5A61257193478400"]);
    await expectStoredAndRegistered(uniqueId, bytes);
  });

  it("OpenHIM mediator pnr2.xml wrapped in a SOAP envelope: inline base64 stored and registered", async () => {
    await registry.feedPatient("1111111111^^^&1.2.3&ISO");
    const uniqueId = freshOid();
    const capture = {
      contentType: SIMPLE_ITI41_CONTENT_TYPE,
      body: wrapInSoapEnvelope(
        replaceAll(readFixture("samples", "openhim-mediator-xds", "pnr2.xml"), { "2009.9.1.2455": uniqueId, "2009.9.1.2456": freshOid() }),
        `urn:uuid:${randomUUID()}`,
      ),
    };
    const bytes = inlineDocument(capture, "Document01");
    expect(bytes.toString("utf8")).toBe("My test document");
    const answer = await postProvideAndRegister(repository.url, capture);
    expect(answer.response?.errors).toEqual([]);
    expect(answer).toMatchObject({ format: "simple", response: { status: RESPONSE_STATUS.success } });
    await expectStoredAndRegistered(uniqueId, bytes);
  });
});
