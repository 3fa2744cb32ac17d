import { ACTION, OBJECT_STATUS, RESPONSE_STATUS, parseRegistryResponse, type XmlElement } from "@opendsp/ebxml";
import { association, dischargeLetterEntry, freshOid, registerRequestElement, submissionSetFor, TEST_AUTHOR } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryUuidOf } from "../domain/stored-query/stored-query.testing.js";
import { upsertPatient } from "../storage/patient.repository.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../testing/registry-harness.js";
import { DOCUMENTS_LOOKUP_PATH } from "./documents-lookup.route.js";

/** POST /api/documents/lookup on documents registered through ITI-42: what the gateway checks before an ITI-43. */
let patientCounter = 0;
const newPatient = (): string => `LK${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const author = (person: string) => ({ ...TEST_AUTHOR, person });
const REPOSITORY = "1.3.6.1.4.1.59999.3.1";

describe.each(DATABASE_KINDS)("document lookup API on %s", (kind) => {
  let registry: RegistryUnderTest;
  const alice = newPatient();
  const bob = newPatient();
  const shared = dischargeLetterEntry(alice, {
    entryUuid: "Shared",
    authors: [author("2222^Muller^Anne"), author("^Nobody^Known"), author("1111^Weber^Jean"), author("2222^Muller^Anne^^^Dr")],
  });
  const original = dischargeLetterEntry(alice, { entryUuid: "Original", authors: [author("1111^Weber^Jean")] });
  const replacement = dischargeLetterEntry(alice, { entryUuid: "Replacement", authors: [author("^Nobody^Known")], repositoryUniqueId: "1.3.6.1.4.1.59999.3.2" });
  const bobs = dischargeLetterEntry(bob, { entryUuid: "Bobs" });

  async function register(body: XmlElement): Promise<void> {
    const res = await soapCall(registry.app, ACTION.iti42.request, body);
    const parsed = res.body && parseRegistryResponse(res.body);
    expect(parsed && parsed.ok && parsed.value, JSON.stringify(parsed)).toMatchObject({ status: RESPONSE_STATUS.success });
  }

  beforeAll(async () => {
    registry = await startRegistry(kind);
    await upsertPatient(registry.db, alice);
    await upsertPatient(registry.db, bob);
    await register(registerRequestElement({ submissionSet: submissionSetFor(alice), documentEntries: [shared, original] }));
    // The same document (same uniqueId and hash) in a second submission set: a second DocumentEntry.
    await register(registerRequestElement({ submissionSet: submissionSetFor(alice), documentEntries: [{ ...shared, entryUuid: "SharedAgain" }] }));
    const originalUuid = await entryUuidOf(registry.db, "document_entry", original.uniqueId ?? "");
    await register(registerRequestElement({ submissionSet: submissionSetFor(alice), documentEntries: [replacement], associations: [association("replace", "Replacement", originalUuid)] }));
    await register(registerRequestElement({ submissionSet: submissionSetFor(bob), documentEntries: [bobs] }));
  });
  afterAll(async () => {
    await registry.close();
  });

  const lookup = (payload: unknown) => registry.app.inject({ method: "POST", url: DOCUMENTS_LOOKUP_PATH, payload: payload as Record<string, unknown> });

  it("answers patient, repository, status and author ids of each known document; unknown ids are left out", async () => {
    const unknown = freshOid();
    const res = await lookup({ documentUniqueIds: [original.uniqueId, unknown, replacement.uniqueId, bobs.uniqueId, original.uniqueId] });
    expect(res.statusCode).toBe(200);
    const { documents } = res.json<{ documents: unknown[] }>();
    expect(documents).toHaveLength(3);
    expect(documents).toEqual(
      expect.arrayContaining([
        { uniqueId: original.uniqueId, repositoryUniqueId: REPOSITORY, patientId: alice, status: OBJECT_STATUS.deprecated, authorIds: ["1111"] },
        { uniqueId: replacement.uniqueId, repositoryUniqueId: "1.3.6.1.4.1.59999.3.2", patientId: alice, status: OBJECT_STATUS.approved, authorIds: [] },
        { uniqueId: bobs.uniqueId, repositoryUniqueId: REPOSITORY, patientId: bob, status: OBJECT_STATUS.approved, authorIds: ["2045"] },
      ]),
    );
  });

  it("author ids are XCN.1 of each authorPerson, distinct, without the authors that have none", async () => {
    const res = await lookup({ documentUniqueIds: [shared.uniqueId] });
    expect(res.statusCode).toBe(200);
    // Registered in two submission sets: one item per DocumentEntry, so the gateway sees every registration.
    const shape = { uniqueId: shared.uniqueId, repositoryUniqueId: REPOSITORY, patientId: alice, status: OBJECT_STATUS.approved, authorIds: ["1111", "2222"] };
    expect(res.json()).toEqual({ documents: [shape, shape] });
  });

  it("an empty list answers no documents; 1000 ids are accepted", async () => {
    expect((await lookup({ documentUniqueIds: [] })).json()).toEqual({ documents: [] });
    const many = Array.from({ length: 999 }, () => freshOid());
    const res = await lookup({ documentUniqueIds: [...many, bobs.uniqueId] });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ documents: { uniqueId: string }[] }>().documents.map((d) => d.uniqueId)).toEqual([bobs.uniqueId]);
  });

  it("refuses a body that does not match the schema with 400 problem+json", async () => {
    const bad: unknown[] = [
      {},
      { documentUniqueIds: Array.from({ length: 1001 }, () => freshOid()) },
      { documentUniqueIds: [""] },
      { documentUniqueIds: ["1".repeat(129)] },
      { documentUniqueIds: { a: 1 } },
      { documentUniqueIds: [{ id: "1.2.3" }] },
    ];
    for (const payload of bad) {
      const res = await lookup(payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: "urn:opendsp:problem:invalid-request", status: 400 });
    }
    const notJson = await registry.app.inject({ method: "POST", url: DOCUMENTS_LOOKUP_PATH, headers: { "content-type": "application/json" }, payload: "{" });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ type: "urn:opendsp:problem:invalid-request" });
  });
});
