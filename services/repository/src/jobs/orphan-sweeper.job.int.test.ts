import { RESPONSE_STATUS } from "@opendsp/ebxml";
import { createLogger } from "@opendsp/platform";
import { freshOid } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newDocumentBlobKey } from "../domain/provide-and-register/document-blob-key.js";
import { findByUniqueIds } from "../storage/stored-document.repository.js";
import { buildProvideAndRegister, freshPatientId, postProvideAndRegister } from "../testing/iti-41-message.builder.js";
import {
  closedPort,
  listDocumentBlobs,
  startRepository,
  startTestRegistry,
  type RegistryUnderTest,
  type RepositoryUnderTest,
} from "../testing/repository-harness.js";
import { startOrphanSweeper, type OrphanSweeper } from "./orphan-sweeper.job.js";

/** Grace period of these tests: rows and blobs "older than the grace" are dated before now - 60 s. */
const GRACE_SECONDS = 60;
const HOUR = 3_600_000;

let registry: RegistryUnderTest;
const patientId = freshPatientId();
const silent = createLogger({ service: "repository", level: "silent" });

beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.feedPatient(patientId);
});

afterAll(async () => {
  await registry?.close();
});

describe.each(["s3", "folder"] as const)("orphan sweeper (%s blob store)", (blobs) => {
  let repository: RepositoryUnderTest;
  let sweeper: OrphanSweeper;

  beforeAll(async () => {
    repository = await startRepository({
      blobs,
      registryUrl: registry.soapUrl,
      env: { REPOSITORY_ORPHAN_GRACE_SECONDS: String(GRACE_SECONDS), REPOSITORY_SWEEP_INTERVAL_SECONDS: "3600" },
    });
    sweeper = startOrphanSweeper(repository.deps, silent);
  });

  afterAll(async () => {
    await sweeper?.stop();
    await repository?.close();
  });

  /** A blob and its row as a crash would leave them: state and creation time chosen by the test. */
  async function storedDocument(state: "pending" | "registered", createdAt: Date): Promise<{ uniqueId: string; blobKey: string }> {
    const uniqueId = freshOid();
    const blobKey = newDocumentBlobKey();
    const bytes = randomBytes(64);
    await repository.blobs.put(blobKey, Readable.from([bytes]), { contentType: "application/octet-stream" });
    await repository.db
      .insertInto("stored_document")
      .values({
        document_unique_id: uniqueId,
        blob_key: blobKey,
        mime_type: "application/octet-stream",
        size: bytes.length,
        hash: "0".repeat(40),
        state,
        submission_set_unique_id: null,
        created_at: createdAt,
        registered_at: state === "registered" ? createdAt : null,
      })
      .execute();
    return { uniqueId, blobKey };
  }

  it("deletes old pending documents and unreferenced old blobs, keeps fresh pending and registered ones; idempotent", async () => {
    const now = new Date();
    const oldPending = await storedDocument("pending", new Date(now.getTime() - 2 * HOUR));
    const freshPending = await storedDocument("pending", now);
    const oldRegistered = await storedDocument("registered", new Date(now.getTime() - 2 * HOUR));
    // Written by a process that died before inserting its row.
    const unreferenced = newDocumentBlobKey();
    await repository.blobs.put(unreferenced, Readable.from([randomBytes(10)]));

    const first = await sweeper.runOnce(now);
    expect(first).toMatchObject({ deleted: 1, markedRegistered: 0, kept: 0 });
    const keys = await listDocumentBlobs(repository.blobs);
    expect(keys).not.toContain(oldPending.blobKey);
    // The unreferenced blob is younger than the grace period: it may belong to a submission still in flight.
    expect(keys).toEqual(expect.arrayContaining([freshPending.blobKey, oldRegistered.blobKey, unreferenced]));
    expect((await findByUniqueIds(repository.db, [oldPending.uniqueId, freshPending.uniqueId, oldRegistered.uniqueId])).map((r) => r.documentUniqueId).sort()).toEqual(
      [freshPending.uniqueId, oldRegistered.uniqueId].sort(),
    );

    // Later, past the grace period of everything written above.
    const later = new Date(now.getTime() + 2 * GRACE_SECONDS * 1000);
    const second = await sweeper.runOnce(later);
    expect(second).toMatchObject({ deleted: 2, markedRegistered: 0, kept: 0 });
    const left = await listDocumentBlobs(repository.blobs);
    expect(left).toContain(oldRegistered.blobKey);
    expect(left).not.toContain(unreferenced);
    expect(left).not.toContain(freshPending.blobKey);
    expect(await findByUniqueIds(repository.db, [oldRegistered.uniqueId])).toHaveLength(1);

    expect(await sweeper.runOnce(later)).toEqual({ deleted: 0, markedRegistered: 0, kept: 0 });
    expect(await listDocumentBlobs(repository.blobs)).toEqual(left);
  });

  it("a pending document the registry holds (crash after ITI-42) is marked registered, never deleted", async () => {
    const request = await buildProvideAndRegister({ patientId, format: "mtom", documents: [{ bytes: randomBytes(500) }] });
    expect((await postProvideAndRegister(repository.url, request)).response?.status).toBe(RESPONSE_STATUS.success);
    const uniqueId = request.entries[0]?.uniqueId ?? "";
    // As if the process had died before marking the row registered.
    await repository.db
      .updateTable("stored_document")
      .set({ state: "pending", registered_at: null, created_at: new Date(Date.now() - 2 * HOUR) })
      .where("document_unique_id", "=", uniqueId)
      .execute();
    const [row] = await findByUniqueIds(repository.db, [uniqueId]);

    const result = await sweeper.runOnce();
    expect(result).toMatchObject({ markedRegistered: 1 });
    expect(await findByUniqueIds(repository.db, [uniqueId])).toEqual([{ ...row, state: "registered" }]);
    expect(await listDocumentBlobs(repository.blobs)).toContain(row?.blobKey);
  });

  it("with the registry unreachable, old pending documents are kept for a later run", async () => {
    const cut = await startRepository({
      blobs,
      registryUrl: `http://127.0.0.1:${await closedPort()}/xds/registry`,
      env: { REPOSITORY_ORPHAN_GRACE_SECONDS: String(GRACE_SECONDS) },
    });
    const isolated = startOrphanSweeper(cut.deps, silent);
    try {
      const blobKey = newDocumentBlobKey();
      await cut.blobs.put(blobKey, Readable.from([randomBytes(8)]));
      await cut.db
        .insertInto("stored_document")
        .values({ document_unique_id: freshOid(), blob_key: blobKey, mime_type: "text/plain", size: 8, hash: "0".repeat(40), state: "pending", created_at: new Date(Date.now() - 2 * HOUR) })
        .execute();
      expect(await isolated.runOnce()).toEqual({ deleted: 0, markedRegistered: 0, kept: 1 });
      expect(await listDocumentBlobs(cut.blobs)).toEqual([blobKey]);
    } finally {
      await isolated.stop();
      await cut.close();
    }
  });
});
