import {
  ACTION,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseRegistryResponse,
  type AdhocQueryResponse,
  type Folder,
  type Slot,
  type XmlElement,
} from "@opendsp/ebxml";
import { association, dischargeLetterEntry, freshOid, registerRequestElement, submissionSetFor, TEST_AUTHOR } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertPatient } from "../../storage/patient.repository.js";
import { ACCESS_HEADER, formatAccessHeader, type AccessRestriction } from "@opendsp/platform";
import { auditRecordsIn } from "../../testing/audit-records.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../../testing/registry-harness.js";
import { entryUuidOf, errorCodesOf, listOf, metadataOf, queryElement, quoted, slot, storedQuery } from "./stored-query.testing.js";

/**
 * The gateway's access restriction (X-OpenDSP-Access) inside every stored query: only the allowed patients' objects,
 * hidden DocumentEntries and every Association touching them left out (a hidden entry's author still sees it), the
 * same through LeafClass and ObjectRef answers, and XDSTooManyResults counting visible objects only.
 *
 * Alice's record: SS1 holds D1 (author X), D2 (author Y) and D3 (author X) and the folder F1 with D1 and D2; SS2
 * holds D4 (author X), which replaces D2 (RPLC, so D4 joins F1 too). Bob's record: SS3 with D5. D2 is the hidden one.
 */
let patientCounter = 0;
const newPatient = (): string => `AC${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const BOTH_STATUSES = listOf(OBJECT_STATUS.approved, OBJECT_STATUS.deprecated);
const AUTHOR_X = { ...TEST_AUTHOR, person: "1111^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO" };
const AUTHOR_Y = { ...TEST_AUTHOR, person: "2222^Muller^Anne^^^Dr^^^&1.3.182.4.1&ISO" };
const NO_ID_AUTHOR = { ...TEST_AUTHOR, person: "^Nobody^Known" };

function expectSuccess(res: AdhocQueryResponse): void {
  expect(res.status, JSON.stringify(res.errors)).toBe(RESPONSE_STATUS.success);
}

async function registered(registry: RegistryUnderTest, body: XmlElement): Promise<void> {
  const res = await soapCall(registry.app, ACTION.iti42.request, body);
  const parsed = res.body && parseRegistryResponse(res.body);
  expect(parsed && parsed.ok && parsed.value, JSON.stringify(parsed)).toMatchObject({ status: RESPONSE_STATUS.success });
}

describe.each(DATABASE_KINDS)("ITI-18 under the gateway's access restriction (%s)", (kind) => {
  let registry: RegistryUnderTest;
  const alice = newPatient();
  const bob = newPatient();
  const d = {
    D1: dischargeLetterEntry(alice, { entryUuid: "D1", authors: [AUTHOR_X] }),
    D2: dischargeLetterEntry(alice, { entryUuid: "D2", authors: [NO_ID_AUTHOR, AUTHOR_Y] }),
    D3: dischargeLetterEntry(alice, { entryUuid: "D3", authors: [AUTHOR_X] }),
    D4: dischargeLetterEntry(alice, { entryUuid: "D4", authors: [AUTHOR_X] }),
    D5: dischargeLetterEntry(bob, { entryUuid: "D5", authors: [AUTHOR_X] }),
  };
  const ss1 = submissionSetFor(alice, { entryUuid: "SS1" });
  const ss2 = submissionSetFor(alice, { entryUuid: "SS2" });
  const ss3 = submissionSetFor(bob, { entryUuid: "SS3" });
  const f1: Folder = {
    entryUuid: "F1",
    title: { value: "Suivi cardiologique" },
    patientId: alice,
    uniqueId: freshOid(),
    codeList: [{ code: "DSP-FOLDER-EPISODE", codingScheme: "1.3.6.1.4.1.59999.1.2" }],
    limitedMetadata: false,
    extraSlots: [],
  };
  const hiddenD2: AccessRestriction = { patientIds: [alice], hiddenDocumentUniqueIds: [d.D2.uniqueId ?? ""] };
  /** entryUUID -> readable name: D1, SS1, F1, and Associations as HasMember(SS1,D1), RPLC(D4,D2)... */
  const names = new Map<string, string>();
  const uuid = (name: string): string => [...names].find(([, n]) => n === name)?.[0] ?? name;

  beforeAll(async () => {
    registry = await startRegistry(kind);
    await upsertPatient(registry.db, alice);
    await upsertPatient(registry.db, bob);
    await registered(
      registry,
      registerRequestElement({
        submissionSet: ss1,
        documentEntries: [d.D1, d.D2, d.D3],
        folders: [f1],
        associations: [
          association("hasMember", "SS1", "F1"),
          association("hasMember", "F1", "D1", { entryUuid: "F1D1" }),
          association("hasMember", "F1", "D2", { entryUuid: "F1D2" }),
          association("hasMember", "SS1", "F1D1"),
          association("hasMember", "SS1", "F1D2"),
        ],
      }),
    );
    for (const name of ["D1", "D2", "D3"] as const) names.set(await entryUuidOf(registry.db, "document_entry", d[name].uniqueId ?? ""), name);
    await registered(registry, registerRequestElement({ submissionSet: ss2, documentEntries: [d.D4], associations: [association("replace", "D4", uuid("D2"))] }));
    await registered(registry, registerRequestElement({ submissionSet: ss3, documentEntries: [d.D5] }));
    for (const name of ["D4", "D5"] as const) names.set(await entryUuidOf(registry.db, "document_entry", d[name].uniqueId ?? ""), name);
    for (const [name, ss] of [["SS1", ss1], ["SS2", ss2], ["SS3", ss3]] as const) names.set(await entryUuidOf(registry.db, "submission_set", ss.uniqueId ?? ""), name);
    names.set(await entryUuidOf(registry.db, "folder", f1.uniqueId ?? ""), "F1");
    const rows = await registry.db.selectFrom("association").select(["entry_uuid", "association_type", "source_uuid", "target_uuid"]).execute();
    const nameOf = (id: string): string => {
      const a = rows.find((r) => r.entry_uuid === id);
      return a ? `${a.association_type.slice(a.association_type.lastIndexOf(":") + 1)}(${nameOf(a.source_uuid)},${nameOf(a.target_uuid)})` : (names.get(id) ?? id);
    };
    for (const r of rows) names.set(r.entry_uuid, nameOf(r.entry_uuid));
  });
  afterAll(async () => {
    await registry.close();
  });

  const headerOf = (access: AccessRestriction | undefined) => (access === undefined ? {} : { [ACCESS_HEADER]: formatAccessHeader(access) });
  const nameOf = (id: string): string => names.get(id) ?? `unknown ${id}`;

  /** Every object of a LeafClass answer by name, sorted; a successful answer is expected. */
  async function leafNames(queryId: string, slots: readonly Slot[], access?: AccessRestriction): Promise<string[]> {
    const res = await storedQuery(registry.app, queryId, slots, RETURN_TYPE.leafClass, headerOf(access));
    expectSuccess(res);
    const md = metadataOf(res);
    return [...md.submissionSets, ...md.folders, ...md.documentEntries, ...md.associations].map((o) => nameOf(o.entryUuid)).sort();
  }

  /** The ids of an ObjectRef answer by name, sorted. */
  async function refNames(queryId: string, slots: readonly Slot[], access?: AccessRestriction): Promise<string[]> {
    const res = await storedQuery(registry.app, queryId, slots, RETURN_TYPE.objectRef, headerOf(access));
    expectSuccess(res);
    return metadataOf(res).objectRefs.map((r) => nameOf(r.id)).sort();
  }

  const withoutD2 = (list: readonly string[]): string[] => list.filter((n) => !n.includes("D2"));
  const findDocuments = (patient: string): Slot[] => [slot("$XDSDocumentEntryPatientId", quoted(patient)), slot("$XDSDocumentEntryStatus", BOTH_STATUSES)];
  const byUniqueId = (...entries: (keyof typeof d)[]): Slot[] => [slot("$XDSDocumentEntryUniqueId", listOf(...entries.map((e) => d[e].uniqueId ?? "")))];

  it("FindDocuments counts only what the actor may see; another patient answers like one without documents", async () => {
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(alice))).toEqual(["D1", "D2", "D3", "D4"]);
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(alice), hiddenD2)).toEqual(["D1", "D3", "D4"]);
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(bob))).toEqual(["D5"]);
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(bob), hiddenD2)).toEqual([]);
    // Both patients allowed: each query still answers for its own patient only.
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(bob), { ...hiddenD2, patientIds: [alice, bob] })).toEqual(["D5"]);
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(alice), { patientIds: [], hiddenDocumentUniqueIds: [] })).toEqual([]);
  });

  it("GetDocuments of a hidden document or of another patient's document is an empty Success", async () => {
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D2"))).toEqual(["D2"]);
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D2"), hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D1", "D2"), hiddenD2)).toEqual(["D1"]);
    expect(await leafNames(STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(uuid("D2")))], hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryLogicalID", listOf(uuid("D2")))], hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D5"), hiddenD2)).toEqual([]);
    // Unrestricted, D1 and D5 of two patients are XDSResultNotSinglePatient; restricted, Bob's is simply not there.
    const mixed = await storedQuery(registry.app, STORED_QUERY.getDocuments, byUniqueId("D1", "D5"));
    expect(errorCodesOf(mixed)).toEqual(["XDSResultNotSinglePatient"]);
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D1", "D5"), hiddenD2)).toEqual(["D1"]);
  });

  it("a hidden document's author still sees it; the exemption compares the author id exactly", async () => {
    const asY = { ...hiddenD2, authorId: "2222" };
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D2"), asY)).toEqual(["D2"]);
    expect(await leafNames(STORED_QUERY.findDocuments, findDocuments(alice), asY)).toEqual(["D1", "D2", "D3", "D4"]);
    for (const other of ["1111", "222", "22222", "2222 "]) {
      expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D2"), { ...hiddenD2, authorId: other }), other).toEqual([]);
    }
    // The exemption does not reach past the patients allowed.
    expect(await leafNames(STORED_QUERY.getDocuments, byUniqueId("D2"), { ...asY, patientIds: [bob] })).toEqual([]);
  });

  it("GetSubmissionSetAndContents leaves out the hidden member and every HasMember that reaches it", async () => {
    const slots = [slot("$XDSSubmissionSetEntryUUID", quoted(uuid("SS1")))];
    const all = await leafNames(STORED_QUERY.getSubmissionSetAndContents, slots);
    expect(all).toEqual(
      [
        "SS1",
        "F1",
        "D1",
        "D2",
        "D3",
        "HasMember(SS1,D1)",
        "HasMember(SS1,D2)",
        "HasMember(SS1,D3)",
        "HasMember(SS1,F1)",
        "HasMember(F1,D1)",
        "HasMember(F1,D2)",
        "HasMember(SS1,HasMember(F1,D1))",
        "HasMember(SS1,HasMember(F1,D2))",
      ].sort(),
    );
    expect(await leafNames(STORED_QUERY.getSubmissionSetAndContents, slots, hiddenD2)).toEqual(withoutD2(all));
    expect(await leafNames(STORED_QUERY.getSubmissionSetAndContents, slots, { ...hiddenD2, patientIds: [bob] })).toEqual([]);
  });

  it("GetFolderAndContents leaves out the hidden member and its HasMember", async () => {
    const slots = [slot("$XDSFolderEntryUUID", quoted(uuid("F1")))];
    const all = await leafNames(STORED_QUERY.getFolderAndContents, slots);
    // D4 joined F1 when it replaced D2 (ITI TF-3 4.2.2.2.3), so the folder holds both versions.
    expect(all).toEqual(["D1", "D2", "D4", "F1", "HasMember(F1,D1)", "HasMember(F1,D2)", "HasMember(F1,D4)"]);
    expect(await leafNames(STORED_QUERY.getFolderAndContents, slots, hiddenD2)).toEqual(["D1", "D4", "F1", "HasMember(F1,D1)", "HasMember(F1,D4)"]);
    expect(await leafNames(STORED_QUERY.getFolderAndContents, slots, { ...hiddenD2, patientIds: [bob] })).toEqual([]);
  });

  it("GetAssociations does not reveal the hidden document", async () => {
    const uuids = (...list: string[]) => [slot("$uuid", listOf(...list.map(uuid)))];
    expect(await leafNames(STORED_QUERY.getAssociations, uuids("D2"))).toEqual(["HasMember(F1,D2)", "HasMember(SS1,D2)", "RPLC(D4,D2)"]);
    expect(await leafNames(STORED_QUERY.getAssociations, uuids("D2"), hiddenD2)).toEqual([]);
    const ofSs1AndD4 = await leafNames(STORED_QUERY.getAssociations, uuids("SS1", "D4"));
    expect(ofSs1AndD4).toContain("RPLC(D4,D2)");
    expect(await leafNames(STORED_QUERY.getAssociations, uuids("SS1", "D4"), hiddenD2)).toEqual(withoutD2(ofSs1AndD4));
    expect(await leafNames(STORED_QUERY.getAssociations, uuids("SS3", "D5"), hiddenD2)).toEqual([]);
  });

  it("GetRelatedDocuments does not reveal the document a visible one replaced", async () => {
    const related = [slot("$XDSDocumentEntryEntryUUID", quoted(uuid("D4"))), slot("$AssociationTypes", listOf("urn:ihe:iti:2007:AssociationType:RPLC"))];
    expect(await leafNames(STORED_QUERY.getRelatedDocuments, related)).toEqual(["D2", "D4", "RPLC(D4,D2)"]);
    expect(await leafNames(STORED_QUERY.getRelatedDocuments, related, hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getRelatedDocuments, related, { ...hiddenD2, authorId: "2222" })).toEqual(["D2", "D4", "RPLC(D4,D2)"]);
    const fromHidden = [slot("$XDSDocumentEntryEntryUUID", quoted(uuid("D2"))), slot("$AssociationTypes", listOf("urn:ihe:iti:2007:AssociationType:RPLC"))];
    expect(await leafNames(STORED_QUERY.getRelatedDocuments, fromHidden, hiddenD2)).toEqual([]);
  });

  it("the other queries by id: folders, submission sets and documents-and-associations of a hidden entry", async () => {
    const ofD2 = [slot("$XDSDocumentEntryEntryUUID", quoted(uuid("D2")))];
    expect(await leafNames(STORED_QUERY.getFoldersForDocument, ofD2)).toEqual(["F1"]);
    expect(await leafNames(STORED_QUERY.getFoldersForDocument, ofD2, hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getSubmissionSets, [slot("$uuid", listOf(uuid("D2")))])).toEqual(["HasMember(SS1,D2)", "SS1"]);
    expect(await leafNames(STORED_QUERY.getSubmissionSets, [slot("$uuid", listOf(uuid("D2")))], hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.getSubmissionSets, [slot("$uuid", listOf(uuid("D1"), uuid("D2")))], hiddenD2)).toEqual(["HasMember(SS1,D1)", "SS1"]);
    const docsAndAssociations = [slot("$XDSDocumentEntryEntryUUID", listOf(uuid("D1"), uuid("D2")))];
    const all = await leafNames(STORED_QUERY.getDocumentsAndAssociations, docsAndAssociations);
    expect(all).toContain("HasMember(F1,D2)");
    expect(await leafNames(STORED_QUERY.getDocumentsAndAssociations, docsAndAssociations, hiddenD2)).toEqual(withoutD2(all));
    expect(await leafNames(STORED_QUERY.getFolders, [slot("$XDSFolderEntryUUID", listOf(uuid("F1")))], { ...hiddenD2, patientIds: [bob] })).toEqual([]);
    expect(await leafNames(STORED_QUERY.getSubmissionSets, [slot("$uuid", listOf(uuid("D5")))], hiddenD2)).toEqual([]);
  });

  it("FindSubmissionSets and FindFolders of another patient are empty; a set holding the hidden entry still shows", async () => {
    const sets = (patient: string) => [slot("$XDSSubmissionSetPatientId", quoted(patient)), slot("$XDSSubmissionSetStatus", listOf(OBJECT_STATUS.approved))];
    const folders = (patient: string) => [slot("$XDSFolderPatientId", quoted(patient)), slot("$XDSFolderStatus", listOf(OBJECT_STATUS.approved))];
    expect(await leafNames(STORED_QUERY.findSubmissionSets, sets(alice), hiddenD2)).toEqual(["SS1", "SS2"]);
    expect(await leafNames(STORED_QUERY.findSubmissionSets, sets(bob))).toEqual(["SS3"]);
    expect(await leafNames(STORED_QUERY.findSubmissionSets, sets(bob), hiddenD2)).toEqual([]);
    expect(await leafNames(STORED_QUERY.findFolders, folders(alice), hiddenD2)).toEqual(["F1"]);
    expect(await leafNames(STORED_QUERY.findFolders, folders(alice), { ...hiddenD2, patientIds: [bob] })).toEqual([]);
  });

  it("ObjectRef answers are filtered the same way", async () => {
    const getAll = (patient: string) => [
      slot("$patientId", quoted(patient)),
      slot("$XDSDocumentEntryStatus", BOTH_STATUSES),
      slot("$XDSSubmissionSetStatus", listOf(OBJECT_STATUS.approved)),
      slot("$XDSFolderStatus", listOf(OBJECT_STATUS.approved)),
    ];
    const all = await refNames(STORED_QUERY.getAll, getAll(alice));
    expect(all).toEqual(expect.arrayContaining(["D2", "HasMember(SS1,D2)", "HasMember(F1,D2)", "HasMember(SS1,HasMember(F1,D2))", "RPLC(D4,D2)"]));
    expect(await refNames(STORED_QUERY.getAll, getAll(alice), hiddenD2)).toEqual(withoutD2(all));
    expect(await refNames(STORED_QUERY.getAll, getAll(bob), hiddenD2)).toEqual([]);
    expect(await refNames(STORED_QUERY.findDocuments, findDocuments(alice), hiddenD2)).toEqual(["D1", "D3", "D4"]);
    expect(await refNames(STORED_QUERY.getDocuments, byUniqueId("D2"), hiddenD2)).toEqual([]);
    expect(await refNames(STORED_QUERY.getAssociations, [slot("$uuid", listOf(uuid("D2")))], hiddenD2)).toEqual([]);
  });

  it("a malformed restriction is a Sender SOAP Fault, audited, never an unrestricted answer", async () => {
    const request = queryElement(STORED_QUERY.findDocuments, findDocuments(alice));
    const notJson = Buffer.from("not json").toString("base64url");
    for (const value of ["%%%", notJson, Buffer.from(JSON.stringify({ v: 2, patientIds: [alice], hiddenDocumentUniqueIds: [] })).toString("base64url")]) {
      const res = await soapCall(registry.app, ACTION.iti18.request, request, { [ACCESS_HEADER]: value });
      expect(res.status).toBe(400);
      expect(res.fault?.code).toBe("Sender");
      expect(res.fault?.reason).toMatch(/access restriction is malformed/);
      expect(res.fault?.reason).not.toContain(alice);
      expect(res.body).toBeUndefined();
    }
    const refusals = (await auditRecordsIn(registry.db)).filter((r) => r.transaction === "ITI-18" && r.failure?.code === "REG_ACCESS_HEADER_INVALID");
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatchObject({ outcome: "serious-failure", query: { storedQueryId: STORED_QUERY.findDocuments } });
  });

  it("the success audit record of a restricted query names the patient and the query", async () => {
    await leafNames(STORED_QUERY.findDocuments, findDocuments(alice), hiddenD2);
    const record = (await auditRecordsIn(registry.db)).at(-1);
    expect(record).toMatchObject({ transaction: "ITI-18", outcome: "success", patientIds: [alice], query: { storedQueryId: STORED_QUERY.findDocuments } });
  });
});

describe.each(DATABASE_KINDS)("XDSTooManyResults under the access restriction (%s)", (kind) => {
  let registry: RegistryUnderTest;
  const patient = newPatient();
  const entries = [1, 2, 3].map((i) => dischargeLetterEntry(patient, { entryUuid: `Doc${i}` }));

  beforeAll(async () => {
    registry = await startRegistry(kind, { env: { REGISTRY_MAX_RESULTS: "2" } });
    await upsertPatient(registry.db, patient);
    await registered(registry, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: entries }));
  });
  afterAll(async () => {
    await registry.close();
  });

  it("counts only the visible objects", async () => {
    const slots = [slot("$XDSDocumentEntryPatientId", quoted(patient)), slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.approved))];
    const unrestricted = await storedQuery(registry.app, STORED_QUERY.findDocuments, slots);
    expect(errorCodesOf(unrestricted)).toEqual(["XDSTooManyResults"]);
    const access: AccessRestriction = { patientIds: [patient], hiddenDocumentUniqueIds: [entries[0]?.uniqueId ?? ""] };
    const restricted = await storedQuery(registry.app, STORED_QUERY.findDocuments, slots, RETURN_TYPE.leafClass, { [ACCESS_HEADER]: formatAccessHeader(access) });
    expectSuccess(restricted);
    expect(metadataOf(restricted).documentEntries.map((e) => e.uniqueId).sort()).toEqual([entries[1]?.uniqueId, entries[2]?.uniqueId].sort());
  });
});
