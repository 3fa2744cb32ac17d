import {
  ACTION,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseAdhocQueryResponse,
  parseRegistryResponse,
  writeAdhocQueryRequest,
  type AdhocQueryResponse,
  type Slot,
} from "@opendsp/ebxml";
import { dischargeLetterEntry, registerRequestElement, submissionSetFor } from "@opendsp/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertPatient } from "../../storage/patient.repository.js";
import { auditRecordsIn } from "../../testing/audit-records.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../../testing/registry-harness.js";
import { countsOf, counts, entryUuidOf, errorCodesOf, listOf, quoted, slot, storedQuery } from "./stored-query.testing.js";

/**
 * ITI-18 errors inside the AdhocQueryResponse (ITI TF-2a 3.18.4.1.3), never SOAP Faults; XDSTooManyResults with a
 * small REGISTRY_MAX_RESULTS; one audit row per query, also for refused queries.
 */
let patientCounter = 0;
const newPatient = (): string => `EA${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const APPROVED = listOf(OBJECT_STATUS.approved);
const HOME = "urn:oid:1.3.6.1.4.1.59999.77";

async function registerDocuments(registry: RegistryUnderTest, patient: string, count: number): Promise<string[]> {
  await upsertPatient(registry.db, patient);
  const entries = Array.from({ length: count }, (_, i) => dischargeLetterEntry(patient, { entryUuid: `Doc${i}` }));
  const res = await soapCall(registry.app, ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: entries }));
  const parsed = res.body && parseRegistryResponse(res.body);
  expect(parsed && parsed.ok && parsed.value.status).toBe(RESPONSE_STATUS.success);
  return Promise.all(entries.map((e) => entryUuidOf(registry.db, "document_entry", e.uniqueId ?? "")));
}

const findDocuments = (patient: string, ...extra: Slot[]): Slot[] => [
  slot("$XDSDocumentEntryPatientId", quoted(patient)),
  slot("$XDSDocumentEntryStatus", APPROVED),
  ...extra,
];

function expectFailure(res: AdhocQueryResponse, codes: string[]): void {
  expect(res.status).toBe(RESPONSE_STATUS.failure);
  expect(errorCodesOf(res)).toEqual(codes);
  expect(res.objects).toEqual([]);
}

describe.each(DATABASE_KINDS)("ITI-18 errors and audit (%s)", (kind) => {
  let registry: RegistryUnderTest;
  const alice = newPatient();
  const bob = newPatient();
  let aliceDocs: string[] = [];
  let bobDocs: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry(kind);
    aliceDocs = await registerDocuments(registry, alice, 2);
    bobDocs = await registerDocuments(registry, bob, 1);
  });
  afterAll(async () => {
    await registry.close();
  });

  /** The ITI-18 audit records written while `run` ran. */
  async function auditOf(run: () => Promise<unknown>) {
    const before = new Set((await auditRecordsIn(registry.db)).map((r) => r.eventId));
    await run();
    return (await auditRecordsIn(registry.db)).filter((r) => r.transaction === "ITI-18" && !before.has(r.eventId));
  }

  it("an unknown query id is XDSUnknownStoredQuery in a Failure response with the response action, not a Fault", async () => {
    const res = await soapCall(registry.app, ACTION.iti18.request, writeAdhocQueryRequest({ requestSlots: [], returnType: "LeafClass", query: { id: "urn:uuid:00000000-0000-4000-8000-00000000dead", slots: [] } }));
    expect(res.status).toBe(200);
    expect(res.fault).toBeUndefined();
    expect(res.action).toBe(ACTION.iti18.response);
    const direct = await storedQuery(registry.app, "urn:uuid:00000000-0000-4000-8000-00000000dead", []);
    expectFailure(direct, ["XDSUnknownStoredQuery"]);
  });

  it.each([
    ["FindDocuments without patient", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryStatus", APPROVED)], ["XDSStoredQueryMissingParam"]],
    ["FindDocuments without status", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", quoted("p"))], ["XDSStoredQueryMissingParam"]],
    ["FindSubmissionSets with nothing", STORED_QUERY.findSubmissionSets, [], ["XDSStoredQueryMissingParam", "XDSStoredQueryMissingParam"]],
    ["FindFolders without status", STORED_QUERY.findFolders, [slot("$XDSFolderPatientId", quoted("p"))], ["XDSStoredQueryMissingParam"]],
    ["GetAll without folder status", STORED_QUERY.getAll, [slot("$patientId", quoted("p")), slot("$XDSDocumentEntryStatus", APPROVED), slot("$XDSSubmissionSetStatus", APPROVED)], ["XDSStoredQueryMissingParam"]],
    ["GetDocuments with neither entryUUID nor uniqueId", STORED_QUERY.getDocuments, [], ["XDSStoredQueryMissingParam"]],
    ["GetAssociations without $uuid", STORED_QUERY.getAssociations, [], ["XDSStoredQueryMissingParam"]],
    ["GetSubmissionSets without $uuid", STORED_QUERY.getSubmissionSets, [], ["XDSStoredQueryMissingParam"]],
    ["GetRelatedDocuments without $AssociationTypes", STORED_QUERY.getRelatedDocuments, [slot("$XDSDocumentEntryEntryUUID", quoted("urn:uuid:x"))], ["XDSStoredQueryMissingParam"]],
    ["FindDocumentsByReferenceId without reference ids", STORED_QUERY.findDocumentsByReferenceId, findDocuments("p"), ["XDSStoredQueryMissingParam"]],
    ["GetDocuments with both entryUUID and uniqueId", STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf("urn:uuid:a")), slot("$XDSDocumentEntryUniqueId", listOf("1.2"))], ["XDSStoredQueryParamNumber"]],
    ["GetFolders with entryUUID and logicalID", STORED_QUERY.getFolders, [slot("$XDSFolderEntryUUID", listOf("urn:uuid:a")), slot("$XDSFolderLogicalID", listOf("urn:uuid:a"))], ["XDSStoredQueryParamNumber"]],
    ["GetSubmissionSetAndContents with two uuids", STORED_QUERY.getSubmissionSetAndContents, [slot("$XDSSubmissionSetEntryUUID", listOf("urn:uuid:a", "urn:uuid:b"))], ["XDSStoredQueryParamNumber"]],
    ["FindDocuments with two patient ids", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", listOf("p1", "p2")), slot("$XDSDocumentEntryStatus", APPROVED)], ["XDSStoredQueryParamNumber"]],
    ["FindDocuments with the patient Slot twice", STORED_QUERY.findDocuments, [...findDocuments("p"), slot("$XDSDocumentEntryPatientId", quoted("p"))], ["XDSStoredQueryParamNumber"]],
    ["FindDocuments with the classCode Slot twice", STORED_QUERY.findDocuments, findDocuments("p", slot("$XDSDocumentEntryClassCode", listOf("a^^s")), slot("$XDSDocumentEntryClassCode", listOf("b^^s"))), ["XDSStoredQueryParamNumber"]],
    ["FindSubmissionSets with two author patterns", STORED_QUERY.findSubmissionSets, [slot("$XDSSubmissionSetPatientId", quoted("p")), slot("$XDSSubmissionSetStatus", APPROVED), slot("$XDSSubmissionSetAuthorPerson", listOf("%a%", "%b%"))], ["XDSStoredQueryParamNumber"]],
    ["FindDocuments with two creationTimeFrom values", STORED_QUERY.findDocuments, findDocuments("p", slot("$XDSDocumentEntryCreationTimeFrom", "2004", "2005")), ["XDSStoredQueryParamNumber"]],
    ["FindDocuments with an unclosed quote", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", "'p"), slot("$XDSDocumentEntryStatus", APPROVED)], ["XDSRegistryError"]],
    ["FindDocuments with an unquoted patient id", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", "p^^^&1.2&ISO"), slot("$XDSDocumentEntryStatus", APPROVED)], ["XDSRegistryError"]],
    ["FindDocuments with a code without scheme", STORED_QUERY.findDocuments, findDocuments("p", slot("$XDSDocumentEntryClassCode", listOf("18842-5"))), ["XDSRegistryError"]],
    ["FindDocuments with a status that is no URN", STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", quoted("p")), slot("$XDSDocumentEntryStatus", listOf("Approved"))], ["XDSRegistryError"]],
    ["FindDocuments with a malformed time", STORED_QUERY.findDocuments, findDocuments("p", slot("$XDSDocumentEntryCreationTimeFrom", "2004-12-24")), ["XDSRegistryError"]],
    ["FindDocuments with an unknown objectType", STORED_QUERY.findDocuments, findDocuments("p", slot("$XDSDocumentEntryType", listOf("urn:uuid:1"))), ["XDSRegistryError"]],
    ["GetDocuments with $MetadataLevel 3", STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf("urn:uuid:a")), slot("$MetadataLevel", "3")], ["XDSRegistryError"]],
  ])("%s", async (_label, queryId, slots, codes) => {
    expectFailure(await storedQuery(registry.app, queryId, slots), codes);
  });

  it("unknown parameters and unknown status URNs are ignored; $MetadataLevel and $homeCommunityId are accepted", async () => {
    const res = await storedQuery(registry.app, STORED_QUERY.findDocuments, [
      slot("$XDSDocumentEntryPatientId", quoted(alice)),
      slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.approved, "urn:oasis:names:tc:ebxml-regrep:StatusType:Unheard")),
      slot("$XDSNotAParameter", "garbage ("),
      slot("$MetadataLevel", "2"),
      slot("$homeCommunityId", quoted("urn:oid:1.2.3")),
    ]);
    expect(res.status).toBe(RESPONSE_STATUS.success);
    expect(countsOf(res)).toEqual(counts({ documentEntries: 2 }));
  });

  it("a returnType other than LeafClass or ObjectRef is XDSRegistryError", async () => {
    expectFailure(await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(alice), "RegistryObject"), ["XDSRegistryError"]);
  });

  it("a body that is no AdhocQueryRequest is a Failure response with XDSRegistryError", async () => {
    const res = await soapCall(registry.app, ACTION.iti18.request, registerRequestElement({ submissionSet: submissionSetFor(alice), documentEntries: [] }));
    expect(res.fault).toBeUndefined();
    expect(res.action).toBe(ACTION.iti18.response);
    const parsed = res.body && parseAdhocQueryResponse(res.body);
    expect(parsed && parsed.ok && parsed.value).toMatchObject({ status: RESPONSE_STATUS.failure, objects: [] });
    expect(parsed && parsed.ok && errorCodesOf(parsed.value)).toEqual(["XDSRegistryError"]);
  });

  it("unknown ids give an empty Success, in both return types", async () => {
    const unknown = "urn:uuid:00000000-0000-4000-8000-000000000404";
    for (const returnType of [RETURN_TYPE.leafClass, RETURN_TYPE.objectRef]) {
      for (const [queryId, slots] of [
        [STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(unknown))]],
        [STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryUniqueId", listOf("1.2.3.404"))]],
        [STORED_QUERY.getFolders, [slot("$XDSFolderEntryUUID", listOf(unknown))]],
        [STORED_QUERY.getAssociations, [slot("$uuid", listOf(unknown))]],
        [STORED_QUERY.getSubmissionSets, [slot("$uuid", listOf(unknown))]],
        [STORED_QUERY.getDocumentsAndAssociations, [slot("$XDSDocumentEntryEntryUUID", listOf(unknown))]],
        [STORED_QUERY.getSubmissionSetAndContents, [slot("$XDSSubmissionSetEntryUUID", quoted(unknown))]],
        [STORED_QUERY.getFolderAndContents, [slot("$XDSFolderUniqueId", quoted("1.2.3.404"))]],
        [STORED_QUERY.getFoldersForDocument, [slot("$XDSDocumentEntryEntryUUID", quoted(unknown))]],
        [STORED_QUERY.getRelatedDocuments, [slot("$XDSDocumentEntryEntryUUID", quoted(unknown)), slot("$AssociationTypes", listOf("urn:ihe:iti:2007:AssociationType:RPLC"))]],
        [STORED_QUERY.findDocuments, findDocuments(newPatient())],
      ] as const) {
        const res = await storedQuery(registry.app, queryId, slots, returnType);
        expect(res.status, `${queryId} ${returnType}`).toBe(RESPONSE_STATUS.success);
        expect(res.objects).toEqual([]);
      }
    }
  });

  it("GetDocuments across two patients is XDSResultNotSinglePatient", async () => {
    const res = await storedQuery(registry.app, STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(aliceDocs[0] ?? "", bobDocs[0] ?? ""))]);
    expectFailure(res, ["XDSResultNotSinglePatient"]);
    const one = await storedQuery(registry.app, STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(...aliceDocs))]);
    expect(countsOf(one)).toEqual(counts({ documentEntries: 2 }));
  });

  it("writes one audit record per query: the stored query and its request, codes, the patient when known", async () => {
    const found = await auditOf(() => storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(alice), RETURN_TYPE.objectRef));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ transaction: "ITI-18", role: "registry", outcome: "success", patientIds: [alice], query: { storedQueryId: STORED_QUERY.findDocuments } });
    // ITI TF-2a 3.18.5.1.2: the AdhocQueryRequest itself, base64.
    expect(Buffer.from(found[0]?.query?.requestBase64 ?? "", "base64").toString("utf8")).toMatch(/AdhocQueryRequest[\s\S]*returnType="ObjectRef"/);
    const byId = await auditOf(() => storedQuery(registry.app, STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(bobDocs[0] ?? ""))]));
    expect(byId.map((r) => [r.outcome, r.patientIds])).toEqual([["success", [bob]]]);

    const refused = await auditOf(() => storedQuery(registry.app, STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryStatus", APPROVED)]));
    expect(refused.map((r) => [r.outcome, r.patientIds, r.query?.storedQueryId, r.failure?.code])).toEqual([
      ["serious-failure", [], STORED_QUERY.findDocuments, "XDSStoredQueryMissingParam"],
    ]);
    const unknown = await auditOf(() => storedQuery(registry.app, "urn:uuid:unknown", []));
    expect(unknown.map((r) => r.failure?.code)).toEqual(["XDSUnknownStoredQuery"]);
    const mixed = await auditOf(() => storedQuery(registry.app, STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryEntryUUID", listOf(aliceDocs[0] ?? "", bobDocs[0] ?? ""))]));
    expect(mixed.map((r) => [r.outcome, r.patientIds, r.failure?.code])).toEqual([["serious-failure", [], "XDSResultNotSinglePatient"]]);
    expect(found[0]?.messageId).toMatch(/^urn:uuid:/);
  });

  it("no answer leaves before its audit row (ITI TF-2a 3.18.5.1.2): when the row cannot be written, the query answers XDSRegistryError", async () => {
    const carol = newPatient();
    await registerDocuments(registry, carol, 1);
    // The outbox refuses every row that names carol, the rows of her refused queries too.
    const marker = carol.replaceAll("'", "''");
    await sql.raw(`CREATE FUNCTION refuse_carol_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit row refused'; END $$`).execute(registry.db);
    await sql
      .raw(`CREATE TRIGGER refuse_carol_audit BEFORE INSERT ON audit_outbox FOR EACH ROW WHEN (position('${marker}' in NEW.record::text) > 0) EXECUTE FUNCTION refuse_carol_audit()`)
      .execute(registry.db);
    try {
      for (const returnType of [RETURN_TYPE.leafClass, RETURN_TYPE.objectRef]) {
        expectFailure(await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(carol), returnType), ["XDSRegistryError"]);
      }
      // A composite query (one REPEATABLE READ transaction) as well.
      const all = [slot("$patientId", quoted(carol)), slot("$XDSDocumentEntryStatus", APPROVED), slot("$XDSSubmissionSetStatus", APPROVED), slot("$XDSFolderStatus", APPROVED)];
      expectFailure(await storedQuery(registry.app, STORED_QUERY.getAll, all), ["XDSRegistryError"]);
    } finally {
      await sql.raw(`DROP TRIGGER refuse_carol_audit ON audit_outbox`).execute(registry.db);
      await sql.raw(`DROP FUNCTION refuse_carol_audit()`).execute(registry.db);
    }
    expect(countsOf(await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(carol)))).toEqual(counts({ documentEntries: 1 }));
  });
});

describe.each(DATABASE_KINDS)("ITI-18 XDSTooManyResults and homeCommunityId (%s)", (kind) => {
  let registry: RegistryUnderTest;
  const small = newPatient();
  const large = newPatient();

  beforeAll(async () => {
    registry = await startRegistry(kind, { env: { REGISTRY_MAX_RESULTS: "3", REGISTRY_HOME_COMMUNITY_ID: HOME } });
    await registerDocuments(registry, small, 3);
    await registerDocuments(registry, large, 16);
  });
  afterAll(async () => {
    await registry.close();
  });

  it("LeafClass: up to REGISTRY_MAX_RESULTS objects, more is XDSTooManyResults (audited as a failure)", async () => {
    const three = await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(small));
    expect(countsOf(three)).toEqual(counts({ documentEntries: 3 }));
    const tooMany = await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(large));
    expectFailure(tooMany, ["XDSTooManyResults"]);
    const all = [slot("$patientId", quoted(small)), slot("$XDSDocumentEntryStatus", APPROVED), slot("$XDSSubmissionSetStatus", APPROVED), slot("$XDSFolderStatus", APPROVED)];
    expectFailure(await storedQuery(registry.app, STORED_QUERY.getAll, all), ["XDSTooManyResults"]);
    const audit = await auditRecordsIn(registry.db);
    expect(audit.some((r) => r.transaction === "ITI-18" && r.patientIds.includes(large) && r.failure?.code === "XDSTooManyResults")).toBe(true);
  });

  it("ObjectRef: up to ten times REGISTRY_MAX_RESULTS references", async () => {
    const all = (patient: string) => [slot("$patientId", quoted(patient)), slot("$XDSDocumentEntryStatus", APPROVED), slot("$XDSSubmissionSetStatus", APPROVED), slot("$XDSFolderStatus", APPROVED)];
    const refs = await storedQuery(registry.app, STORED_QUERY.getAll, all(small), RETURN_TYPE.objectRef);
    expect(countsOf(refs)).toEqual(counts({ objectRefs: 7 }));
    expect(countsOf(await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(large), RETURN_TYPE.objectRef))).toEqual(counts({ objectRefs: 16 }));
    // 16 entries, their submission set and 16 HasMember associations: 33 > 30.
    expectFailure(await storedQuery(registry.app, STORED_QUERY.getAll, all(large), RETURN_TYPE.objectRef), ["XDSTooManyResults"]);
  });

  it("puts the configured homeCommunityId on every returned object", async () => {
    const leaf = await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(small));
    expect(leaf.objects.map((o) => o.home)).toEqual([HOME, HOME, HOME]);
    const refs = await storedQuery(registry.app, STORED_QUERY.findDocuments, findDocuments(small), RETURN_TYPE.objectRef);
    expect(refs.objects.map((o) => o.home)).toEqual([HOME, HOME, HOME]);
  });
});
