import {
  ACTION,
  DOCUMENT_ENTRY_TYPE,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseRegistryResponse,
  type DocumentEntry,
  type Slot,
} from "@opendsp/ebxml";
import { association, dischargeLetterEntry, freshOid, registerRequestElement, submissionSetFor, TEST_AUTHOR } from "@opendsp/testing";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertPatient } from "../../storage/patient.repository.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../../testing/registry-harness.js";
import { entryUuidOf, insertApproved, listOf, metadataOf, quoted, slot, storedQuery } from "./stored-query.testing.js";

/**
 * FindDocuments, FindDocumentsByReferenceId, FindSubmissionSets and FindFolders parameter by parameter (ITI TF-2a
 * 3.18.4.1.2.3.7.1-3, .14) on entries registered through ITI-42: code OR within a Slot and AND across Slots,
 * time ranges of every precision, author wildcards, status and objectType.
 */
let patientCounter = 0;
const newPatient = (): string => `SQ${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const APPROVED = listOf(OBJECT_STATUS.approved);
const author = (person: string) => ({ ...TEST_AUTHOR, person });
const code = (c: string, scheme = "1.2.3.4.5") => ({ code: c, codingScheme: scheme });

describe.each(DATABASE_KINDS)("ITI-18 Find queries (%s)", (kind) => {
  let registry: RegistryUnderTest;
  const patient = newPatient();
  /** uniqueId -> entryUUID of the four entries D1..D4 and the On-Demand entry. */
  const uuid = new Map<string, string>();
  const entries: Record<string, DocumentEntry> = {};

  beforeAll(async () => {
    registry = await startRegistry(kind);
    await upsertPatient(registry.db, patient);
    const ref1 = "ref-1^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession";
    const ref2 = "ref-2^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession";
    entries["D1"] = dischargeLetterEntry(patient, {
      entryUuid: "D1",
      classCode: code("c1"),
      typeCode: code("t1"),
      practiceSettingCode: code("ps1"),
      healthcareFacilityTypeCode: code("h1"),
      formatCode: code("f1"),
      eventCodes: [code("e1")],
      confidentialityCodes: [code("N", "conf")],
      creationTime: "20041224",
      serviceStartTime: "200412230800",
      serviceStopTime: "200412241600",
      authors: [author("^Smitty^Gerald^^^")],
      referenceIdList: [ref1],
    });
    entries["D2"] = dischargeLetterEntry(patient, {
      entryUuid: "D2",
      classCode: code("c2"),
      eventCodes: [code("e1"), code("e2")],
      confidentialityCodes: [code("N", "conf"), code("R", "conf")],
      creationTime: "20051224103000",
      serviceStartTime: "20051224",
      serviceStopTime: "20051225",
      authors: [author("^Dopplemeyer^Sherry^^^")],
      referenceIdList: [ref1, ref2],
    });
    entries["D3"] = dischargeLetterEntry(patient, {
      entryUuid: "D3",
      classCode: code("c1", "another.scheme"),
      eventCodes: [code("e2")],
      confidentialityCodes: [code("R", "conf")],
      creationTime: "2006",
      authors: [author("^Smitty^Gerald"), author("^Ford^Sherry^^^")],
      referenceIdList: [ref2],
    });
    entries["D4"] = dischargeLetterEntry(patient, {
      entryUuid: "D4",
      eventCodes: [],
      confidentialityCodes: [code("N", "conf")],
      creationTime: "20061224",
      authors: [author("2045^weber^jean")],
    });
    for (const name of ["D3", "D4"]) {
      // Entries without service times: a range on them must not select these.
      const { serviceStartTime: _start, serviceStopTime: _stop, ...rest } = entries[name] as DocumentEntry;
      entries[name] = rest;
    }
    const ss = submissionSetFor(patient, { submissionTime: "20061224120000", sourceId: "1.2.3.99.1", authors: [author("^Dopplemeyer^Sherry^^^")] });
    const body = registerRequestElement({ submissionSet: ss, documentEntries: Object.values(entries) });
    const res = await soapCall(registry.app, ACTION.iti42.request, body);
    const parsed = res.body && parseRegistryResponse(res.body);
    expect(parsed && parsed.ok && parsed.value.status).toBe(RESPONSE_STATUS.success);
    for (const [name, e] of Object.entries(entries)) uuid.set(name, await entryUuidOf(registry.db, "document_entry", e.uniqueId ?? ""));
    // ITI-42 registers stable entries only (On-Demand ones come with ITI-61), so this one is stored directly.
    const onDemandSs = submissionSetFor(patient, { entryUuid: `urn:uuid:${randomUUID()}`, submissionTime: "20071224", sourceId: "1.2.3.99.2" });
    const onDemand = dischargeLetterEntry(patient, { entryUuid: `urn:uuid:${randomUUID()}`, type: "on-demand", creationTime: "20071224" });
    await insertApproved(registry.db, { submissionSets: [onDemandSs], documentEntries: [onDemand], folders: [], associations: [] });
    uuid.set("OD", onDemand.entryUuid);
  });
  afterAll(async () => {
    await registry.close();
  });

  const nameOf = (entryUuid: string): string => [...uuid].find(([, u]) => u === entryUuid)?.[0] ?? entryUuid;
  /** FindDocuments for the patient, Approved unless the parameters name the status. */
  async function find(...params: Slot[]): Promise<string[]> {
    const status = params.some((p) => p.name === "$XDSDocumentEntryStatus") ? [] : [slot("$XDSDocumentEntryStatus", APPROVED)];
    const res = await storedQuery(registry.app, STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", quoted(patient)), ...status, ...params]);
    expect(res.status, JSON.stringify(res.errors)).toBe(RESPONSE_STATUS.success);
    return metadataOf(res).documentEntries.map((d) => nameOf(d.entryUuid)).sort();
  }

  it("patient and status alone: every stable entry; the On-Demand one only when asked for", async () => {
    expect(await find()).toEqual(["D1", "D2", "D3", "D4"]);
    expect(await find(slot("$XDSDocumentEntryType", listOf(DOCUMENT_ENTRY_TYPE.onDemand)))).toEqual(["OD"]);
    expect(await find(slot("$XDSDocumentEntryType", listOf(DOCUMENT_ENTRY_TYPE.stable, DOCUMENT_ENTRY_TYPE.onDemand)))).toEqual(["D1", "D2", "D3", "D4", "OD"]);
  });

  it("status: only the statuses listed; Values of one Slot are OR-ed", async () => {
    expect(await find(slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.deprecated)))).toEqual([]);
    expect(await find(slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.deprecated), APPROVED))).toEqual(["D1", "D2", "D3", "D4"]);
    expect(await find(slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.submitted, OBJECT_STATUS.deprecated)))).toEqual([]);
  });

  it("single-valued codes: OR within the parameter, code and scheme both compared", async () => {
    expect(await find(slot("$XDSDocumentEntryClassCode", listOf("c1^^1.2.3.4.5")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryClassCode", listOf("c1^^1.2.3.4.5", "c2^^1.2.3.4.5")))).toEqual(["D1", "D2"]);
    expect(await find(slot("$XDSDocumentEntryClassCode", listOf("c1^^1.2.3.4.5"), listOf("c1^^another.scheme")))).toEqual(["D1", "D3"]);
    expect(await find(slot("$XDSDocumentEntryTypeCode", listOf("t1^^1.2.3.4.5")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryPracticeSettingCode", listOf("ps1^^1.2.3.4.5")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryHealthcareFacilityTypeCode", listOf("h1^^1.2.3.4.5")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryFormatCode", listOf("f1^^1.2.3.4.5")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryFormatCode", listOf("f1^^9.9.9")))).toEqual([]);
  });

  it("eventCodeList and confidentialityCode: values of one Slot OR-ed, several Slots AND-ed", async () => {
    expect(await find(slot("$XDSDocumentEntryEventCodeList", listOf("e1^^1.2.3.4.5", "e2^^1.2.3.4.5")))).toEqual(["D1", "D2", "D3"]);
    expect(await find(slot("$XDSDocumentEntryEventCodeList", listOf("e1^^1.2.3.4.5")), slot("$XDSDocumentEntryEventCodeList", listOf("e2^^1.2.3.4.5")))).toEqual(["D2"]);
    expect(await find(slot("$XDSDocumentEntryConfidentialityCode", listOf("N^^conf", "R^^conf")))).toEqual(["D1", "D2", "D3", "D4"]);
    expect(await find(slot("$XDSDocumentEntryConfidentialityCode", listOf("N^^conf")), slot("$XDSDocumentEntryConfidentialityCode", listOf("R^^conf")))).toEqual(["D2"]);
    expect(
      await find(
        slot("$XDSDocumentEntryConfidentialityCode", listOf("R^^conf")),
        slot("$XDSDocumentEntryEventCodeList", listOf("e1^^1.2.3.4.5")),
        slot("$XDSDocumentEntryEventCodeList", listOf("e2^^1.2.3.4.5")),
      ),
    ).toEqual(["D2"]);
  });

  it("creationTime: From inclusive, To exclusive, at every precision", async () => {
    const range = (from?: string, to?: string) =>
      find(...(from ? [slot("$XDSDocumentEntryCreationTimeFrom", from)] : []), ...(to ? [slot("$XDSDocumentEntryCreationTimeTo", to)] : []));
    expect(await range("2005")).toEqual(["D2", "D3", "D4"]);
    expect(await range(undefined, "2006")).toEqual(["D1", "D2"]);
    expect(await range("2006", "2007")).toEqual(["D3", "D4"]);
    expect(await range("200512", "200601")).toEqual(["D2"]);
    expect(await range("20051224", "20051225")).toEqual(["D2"]);
    expect(await range("2005122410", "2005122411")).toEqual(["D2"]);
    expect(await range("200512241030", "200512241031")).toEqual(["D2"]);
    expect(await range("20051224103000", "20051224103001")).toEqual(["D2"]);
    expect(await range(undefined, "20051224103000")).toEqual(["D1"]);
    expect(await range("20051224103001")).toEqual(["D3", "D4"]);
  });

  it("serviceStartTime and serviceStopTime ranges; an entry without the attribute never matches", async () => {
    expect(await find(slot("$XDSDocumentEntryServiceStartTimeFrom", "2004"))).toEqual(["D1", "D2"]);
    expect(await find(slot("$XDSDocumentEntryServiceStartTimeTo", "20041223080001"))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryServiceStopTimeFrom", "20041224160000"))).toEqual(["D1", "D2"]);
    expect(await find(slot("$XDSDocumentEntryServiceStopTimeFrom", "200412241601"))).toEqual(["D2"]);
    expect(await find(slot("$XDSDocumentEntryServiceStopTimeTo", "2005"))).toEqual(["D1"]);
  });

  it("authorPerson: LIKE with % and _, case-sensitive, several values OR-ed", async () => {
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", quoted("%Smitty%")))).toEqual(["D1", "D3"]);
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", quoted("^Smi_ty^Gerald^^^")))).toEqual(["D1"]);
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", quoted("^Ford%")))).toEqual(["D3"]);
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", listOf("%Dopplemeyer%", "%Ford%")))).toEqual(["D2", "D3"]);
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", quoted("%smitty%")))).toEqual([]);
    expect(await find(slot("$XDSDocumentEntryAuthorPerson", quoted("%weber%")))).toEqual(["D4"]);
  });

  it("FindDocumentsByReferenceId: OR within a Slot, AND across Slots, with the FindDocuments filters", async () => {
    const byRef = async (...params: Slot[]) => {
      const res = await storedQuery(registry.app, STORED_QUERY.findDocumentsByReferenceId, [
        slot("$XDSDocumentEntryPatientId", quoted(patient)),
        slot("$XDSDocumentEntryStatus", APPROVED),
        ...params,
      ]);
      expect(res.status, JSON.stringify(res.errors)).toBe(RESPONSE_STATUS.success);
      return metadataOf(res).documentEntries.map((d) => nameOf(d.entryUuid)).sort();
    };
    const ref1 = "ref-1^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession";
    const ref2 = "ref-2^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:accession";
    expect(await byRef(slot("$XDSDocumentEntryReferenceIdList", listOf(ref1)))).toEqual(["D1", "D2"]);
    expect(await byRef(slot("$XDSDocumentEntryReferenceIdList", listOf(ref1, ref2)))).toEqual(["D1", "D2", "D3"]);
    expect(await byRef(slot("$XDSDocumentEntryReferenceIdList", listOf(ref1)), slot("$XDSDocumentEntryReferenceIdList", listOf(ref2)))).toEqual(["D2"]);
    expect(await byRef(slot("$XDSDocumentEntryReferenceIdList", listOf(ref2)), slot("$XDSDocumentEntryClassCode", listOf("c2^^1.2.3.4.5")))).toEqual(["D2"]);
    expect(await byRef(slot("$XDSDocumentEntryReferenceIdList", listOf("unknown")))).toEqual([]);
  });

  it("ObjectRef answers the same entries by id only", async () => {
    const res = await storedQuery(
      registry.app,
      STORED_QUERY.findDocuments,
      [slot("$XDSDocumentEntryPatientId", quoted(patient)), slot("$XDSDocumentEntryStatus", APPROVED), slot("$XDSDocumentEntryClassCode", listOf("c1^^1.2.3.4.5"))],
      RETURN_TYPE.objectRef,
    );
    expect(res.objects).toEqual([{ kind: "ObjectRef", id: uuid.get("D1") }]);
  });

  it("LeafClass entries come back as registered, with availabilityStatus from the registry", async () => {
    const res = await storedQuery(registry.app, STORED_QUERY.getDocuments, [slot("$XDSDocumentEntryUniqueId", listOf(entries["D2"]?.uniqueId ?? ""))]);
    const [d2] = metadataOf(res).documentEntries;
    expect(d2).toMatchObject({
      entryUuid: uuid.get("D2"),
      availabilityStatus: OBJECT_STATUS.approved,
      patientId: patient,
      creationTime: "20051224103000",
      eventCodes: [code("e1"), code("e2")],
      referenceIdList: entries["D2"]?.referenceIdList,
      title: entries["D2"]?.title,
    });
  });

  it("FindSubmissionSets by sourceId, submissionTime, author and contentType", async () => {
    const findSets = async (...params: Slot[]) => {
      const res = await storedQuery(registry.app, STORED_QUERY.findSubmissionSets, [
        slot("$XDSSubmissionSetPatientId", quoted(patient)),
        slot("$XDSSubmissionSetStatus", APPROVED),
        ...params,
      ]);
      expect(res.status, JSON.stringify(res.errors)).toBe(RESPONSE_STATUS.success);
      return metadataOf(res).submissionSets.map((s) => s.sourceId).sort();
    };
    expect(await findSets()).toEqual(["1.2.3.99.1", "1.2.3.99.2"]);
    expect(await findSets(slot("$XDSSubmissionSetSourceId", listOf("1.2.3.99.2", "1.2.3.99.7")))).toEqual(["1.2.3.99.2"]);
    expect(await findSets(slot("$XDSSubmissionSetSubmissionTimeFrom", "2007"))).toEqual(["1.2.3.99.2"]);
    expect(await findSets(slot("$XDSSubmissionSetSubmissionTimeTo", "20061224120000"))).toEqual([]);
    expect(await findSets(slot("$XDSSubmissionSetSubmissionTimeTo", "200612241201"))).toEqual(["1.2.3.99.1"]);
    expect(await findSets(slot("$XDSSubmissionSetAuthorPerson", quoted("^Dopplemeyer%")))).toEqual(["1.2.3.99.1"]);
    expect(await findSets(slot("$XDSSubmissionSetContentType", listOf("18842-5^^2.16.840.1.113883.6.1")))).toEqual(["1.2.3.99.1", "1.2.3.99.2"]);
    expect(await findSets(slot("$XDSSubmissionSetContentType", listOf("18842-5^^other")))).toEqual([]);
  });

  it("FindFolders: $XDSFolderCodeList OR within a Slot, AND across Slots; lastUpdateTime range", async () => {
    const folderPatient = newPatient();
    await upsertPatient(registry.db, folderPatient);
    const folder = (id: string, codes: ReturnType<typeof code>[]) => ({
      entryUuid: id,
      title: { value: id },
      patientId: folderPatient,
      uniqueId: freshOid(),
      codeList: codes,
      limitedMetadata: false,
      extraSlots: [],
    });
    const ss = submissionSetFor(folderPatient);
    const body = registerRequestElement({
      submissionSet: ss,
      folders: [folder("FA", [code("a"), code("b")]), folder("FB", [code("a")])],
      associations: [association("hasMember", ss.entryUuid, "FA"), association("hasMember", ss.entryUuid, "FB")],
    });
    const reg = await soapCall(registry.app, ACTION.iti42.request, body);
    const parsed = reg.body && parseRegistryResponse(reg.body);
    expect(parsed && parsed.ok && parsed.value, JSON.stringify(parsed)).toMatchObject({ status: RESPONSE_STATUS.success });
    const findFolders = async (...params: Slot[]) => {
      const res = await storedQuery(registry.app, STORED_QUERY.findFolders, [
        slot("$XDSFolderPatientId", quoted(folderPatient)),
        slot("$XDSFolderStatus", APPROVED),
        ...params,
      ]);
      expect(res.status, JSON.stringify(res.errors)).toBe(RESPONSE_STATUS.success);
      return metadataOf(res).folders.map((f) => f.title?.value).sort();
    };
    expect(await findFolders()).toEqual(["FA", "FB"]);
    expect(await findFolders(slot("$XDSFolderCodeList", listOf("a^^1.2.3.4.5", "b^^1.2.3.4.5")))).toEqual(["FA", "FB"]);
    expect(await findFolders(slot("$XDSFolderCodeList", listOf("a^^1.2.3.4.5")), slot("$XDSFolderCodeList", listOf("b^^1.2.3.4.5")))).toEqual(["FA"]);
    // The registry sets lastUpdateTime to the registration time (ITI TF-3 4.2.3.4.4): now.
    const thisYear = String(new Date().getUTCFullYear());
    expect(await findFolders(slot("$XDSFolderLastUpdateTimeFrom", thisYear))).toEqual(["FA", "FB"]);
    expect(await findFolders(slot("$XDSFolderLastUpdateTimeTo", thisYear))).toEqual([]);
  });
});
