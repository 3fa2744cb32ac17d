import { parseAuditRecord, type AuditRecord } from "@opendsp/atna";
import { RESPONSE_STATUS } from "@opendsp/ebxml";
import { encodeActorHeader, encodeGrantHeader } from "@opendsp/platform";
import { freshOid } from "@opendsp/testing";
import { sql } from "kysely";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postRetrieve, retrieveEnvelope } from "../domain/retrieve/iti-43-client.testing.js";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister } from "../testing/iti-41-message.builder.js";
import { startRepository, startTestRegistry, type RegistryUnderTest, type RepositoryUnderTest } from "../testing/repository-harness.js";

/** ITI-41 and ITI-43 audit records of the repository, written to its outbox before the answer leaves. */
let registry: RegistryUnderTest;
let repository: RepositoryUnderTest;
let patientId: string;

beforeAll(async () => {
  registry = await startTestRegistry();
  patientId = freshPatientId();
  await registry.feedPatient(patientId);
  repository = await startRepository({ blobs: "folder", registryUrl: registry.soapUrl });
});

afterAll(async () => {
  await repository?.close();
  await registry?.close();
});

async function records(): Promise<AuditRecord[]> {
  const rows = await repository.db.selectFrom("audit_outbox").select("record").orderBy("seq").execute();
  return rows.map((r) => parseAuditRecord(JSON.parse(r.record)));
}

describe("repository audit records", () => {
  it("ITI-41 then ITI-43: each records the patient and the documents, ITI-43 with the gateway's requestor and grant", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(100) }] });
    const stored = await postProvideAndRegister(repository.url, request);
    expect(stored.response?.status).toBe(RESPONSE_STATUS.success);
    const uniqueId = request.entries[0]?.uniqueId ?? "";
    const iti41 = (await records()).filter((r) => r.transaction === "ITI-41");
    expect(iti41).toEqual([
      expect.objectContaining({
        role: "repository",
        outcome: "success",
        auditSource: { id: "opendsp-repository", service: "repository" },
        patientIds: [patientId],
        documents: [{ uniqueId, repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID }],
        messageId: request.messageId,
      }),
    ]);

    const answer = await postRetrieve(repository.url, retrieveEnvelope([{ repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID, documentUniqueId: uniqueId }]), "mtom", {
      "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "10001234567", roles: ["10"] }),
      "x-opendsp-grant": encodeGrantHeader({ basis: "trust-circle", emergency: false }),
      "x-forwarded-for": "10.9.8.7",
    });
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.success);
    const iti43 = (await records()).filter((r) => r.transaction === "ITI-43");
    expect(iti43).toEqual([
      expect.objectContaining({
        role: "repository",
        outcome: "success",
        patientIds: [patientId],
        documents: [{ uniqueId, repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID }],
        requestor: { kind: "professional", id: "10001234567", roles: ["10"] },
        grant: { basis: "trust-circle", emergency: false },
        client: expect.objectContaining({ networkAddress: "10.9.8.7" }) as unknown,
      }),
    ]);
  });

  it("ITI-43 of an unknown document is recorded as a failure", async () => {
    const unknown = freshOid();
    const answer = await postRetrieve(repository.url, retrieveEnvelope([{ repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID, documentUniqueId: unknown }]));
    expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
    const last = (await records()).at(-1);
    expect(last).toMatchObject({ transaction: "ITI-43", outcome: "serious-failure", documents: [], failure: { code: "XDSDocumentUniqueIdError" } });
  });

  it("ITI-43 whose audit record cannot be written serves nothing: XDSRepositoryError", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "simple", documents: [{ bytes: randomBytes(10) }] });
    expect((await postProvideAndRegister(repository.url, request)).response?.status).toBe(RESPONSE_STATUS.success);
    const uniqueId = request.entries[0]?.uniqueId ?? "";
    await sql`ALTER TABLE audit_outbox RENAME TO audit_outbox_away`.execute(repository.db);
    try {
      const answer = await postRetrieve(repository.url, retrieveEnvelope([{ repositoryUniqueId: repository.config.REPOSITORY_UNIQUE_ID, documentUniqueId: uniqueId }]));
      expect(answer.response.registryResponse.status).toBe(RESPONSE_STATUS.failure);
      expect(answer.response.registryResponse.errors.map((e) => e.errorCode)).toEqual(["XDSRepositoryError"]);
      expect(answer.response.documentResponses).toEqual([]);
      expect(answer.parts.size).toBe(0);
    } finally {
      await sql`ALTER TABLE audit_outbox_away RENAME TO audit_outbox`.execute(repository.db);
    }
  });
});
