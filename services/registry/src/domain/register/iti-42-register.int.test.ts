import {
  ACTION,
  ERROR_SEVERITY,
  NS,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  childElements,
  firstChild,
  parseCodesXml,
  parseRegistryResponse,
  parseXml,
  type RegistryResponse,
  type XmlElement,
} from "@opendsp/ebxml";
import { buildMtomMessage } from "@opendsp/soap";
import {
  association,
  dischargeLetterEntry,
  freshOid,
  registerRequestElement,
  submissionSetFor,
} from "@opendsp/testing";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CODES_FILE } from "../../codes.js";
import { upsertPatient } from "../../storage/patient.repository.js";
import { encodeActorHeader, encodeGrantHeader } from "@opendsp/platform";
import { auditRecordsIn } from "../../testing/audit-records.js";
import { DATABASE_KINDS, postSoap, soapCall, startRegistry, type ExtraHeaders, type RegistryUnderTest } from "../../testing/registry-harness.js";

const SAMPLES = join(import.meta.dirname, "../../../../../test/fixtures/samples");
const sampleElement = (path: string): XmlElement => parseXml(readFileSync(join(SAMPLES, path)));

let patientCounter = 0;
const newPatient = (): string => `P${Date.now()}${++patientCounter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;

function responseOf(body: XmlElement | undefined): RegistryResponse {
  if (!body) throw new Error("no response body");
  const r = parseRegistryResponse(body);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const codesOf = (r: RegistryResponse): string[] => r.errors.filter((e) => e.severity === ERROR_SEVERITY.error).map((e) => e.errorCode);

describe.each(DATABASE_KINDS)("ITI-42 Register Document Set-b on %s", (kind) => {
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    registry = await startRegistry(kind);
  });
  afterAll(async () => {
    await registry.close();
  });

  async function feed(patientId: string): Promise<void> {
    await upsertPatient(registry.db, patientId);
  }

  async function register(body: XmlElement, headers: ExtraHeaders = {}): Promise<RegistryResponse> {
    const res = await soapCall(registry.app, ACTION.iti42.request, body, headers);
    expect(res.status).toBe(200);
    expect(res.action).toBe(ACTION.iti42.response);
    return responseOf(res.body);
  }

  async function count(table: "document_entry" | "submission_set" | "folder" | "association", patientId?: string): Promise<number> {
    let q = registry.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n"));
    if (patientId && table !== "association") q = q.where("patient_id", "=", patientId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it("registers a document, assigns UUIDs to symbolic ids, answers Success and writes one audit record", async () => {
    const patient = newPatient();
    await feed(patient);
    const entry = dischargeLetterEntry(patient);
    const submissionSet = submissionSetFor(patient);
    const res = await register(registerRequestElement({ submissionSet, documentEntries: [entry] }), {
      "x-opendsp-actor": encodeActorHeader({ kind: "system", id: "CN=source.example", organizationId: "1.2.250.1.71.4.2.2" }),
      "x-opendsp-grant": encodeGrantHeader({ basis: "system", emergency: false }),
      "x-forwarded-for": "10.1.2.3",
    });
    expect(res.status).toBe(RESPONSE_STATUS.success);
    expect(res.errors).toEqual([]);
    const row = await registry.db.selectFrom("document_entry").selectAll().where("unique_id", "=", entry.uniqueId ?? "").executeTakeFirstOrThrow();
    expect(row.entry_uuid).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(row.status).toBe(OBJECT_STATUS.approved);
    expect(row.patient_id).toBe(patient);
    expect(row.creation_time_key).toBe("20261119143000");
    const assoc = await registry.db.selectFrom("association").selectAll().where("target_uuid", "=", row.entry_uuid).executeTakeFirstOrThrow();
    expect(assoc.source_uuid).toBe(row.submission_set_uuid);
    const audit = (await auditRecordsIn(registry.db)).filter((r) => r.patientIds.includes(patient));
    expect(audit).toEqual([
      expect.objectContaining({
        transaction: "ITI-42",
        role: "registry",
        outcome: "success",
        auditSource: { id: "opendsp-registry", service: "registry" },
        requestor: { kind: "system", id: "CN=source.example", organizationId: "1.2.250.1.71.4.2.2" },
        grant: { basis: "system", emergency: false },
        client: expect.objectContaining({ networkAddress: "10.1.2.3" }) as unknown,
        destination: expect.objectContaining({ endpoint: "http://localhost/xds/registry" }) as unknown,
        patientIds: [patient],
        submissionSetUniqueId: submissionSet.uniqueId,
        documents: [{ uniqueId: entry.uniqueId }],
        messageId: expect.stringMatching(/^urn:uuid:/) as unknown,
      }),
    ]);
  });

  it("registers the dcm4chee port of NIST 12346 (fixed UUIDs, folders, RPLC) and deprecates the replaced entry", async () => {
    const patient = "test1234_1^^^&1.2.3.45.4.3.2.1&ISO";
    await feed(patient);
    for (const file of ["single_doc.xml", "single_doc_w_fol.xml", "two_doc_w_fol.xml", "single_doc_for_rplc.xml", "rplc.xml"]) {
      const res = await register(sampleElement(`dcm4chee-xds2/sq/${file}`));
      // single_doc_w_fol.xml and two_doc_w_fol.xml are refused as sent: see the validation tests (non-OID uniqueId,
      // duplicated Classification id). The rest register.
      if (file === "single_doc_w_fol.xml" || file === "two_doc_w_fol.xml") expect(res.status, file).toBe(RESPONSE_STATUS.failure);
      else expect(res.status, `${file}: ${JSON.stringify(res.errors)}`).toBe(RESPONSE_STATUS.success);
    }
    const original = await registry.db.selectFrom("document_entry").select("status").where("entry_uuid", "=", "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba4001").executeTakeFirstOrThrow();
    expect(original.status).toBe(OBJECT_STATUS.deprecated);
    const replacement = await registry.db.selectFrom("document_entry").select("status").where("entry_uuid", "=", "urn:uuid:aabbccdd-bdda-424e-8c96-df4873ba5001").executeTakeFirstOrThrow();
    expect(replacement.status).toBe(OBJECT_STATUS.approved);
  });

  it("refuses an unknown patient with XDSUnknownPatientId and stores nothing", async () => {
    const patient = newPatient();
    const res = await register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [dischargeLetterEntry(patient)] }));
    expect(res.status).toBe(RESPONSE_STATUS.failure);
    expect(codesOf(res)).toEqual(["XDSUnknownPatientId"]);
    expect(await count("document_entry", patient)).toBe(0);
    expect(await count("submission_set", patient)).toBe(0);
    const audit = (await auditRecordsIn(registry.db)).filter((r) => r.patientIds.includes(patient));
    expect(audit.map((a) => [a.outcome, a.failure?.code])).toEqual([["serious-failure", "XDSUnknownPatientId"]]);
  });

  it("returns every metadata error at once with its location, and stores nothing", async () => {
    const patient = newPatient();
    await feed(patient);
    const one = dischargeLetterEntry(patient, { entryUuid: "Document01", creationTime: "2026-11-19" });
    const two = dischargeLetterEntry(patient, { entryUuid: "Document02", uniqueId: one.uniqueId ?? "", patientId: newPatient() });
    const res = await register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [one, two] }));
    expect(res.status).toBe(RESPONSE_STATUS.failure);
    expect(new Set(codesOf(res))).toEqual(new Set(["XDSRegistryMetadataError", "XDSRegistryDuplicateUniqueIdInMessage", "XDSPatientIdDoesNotMatch"]));
    expect(res.errors.find((e) => e.errorCode === "XDSPatientIdDoesNotMatch")?.location).toContain("Document02");
    expect(res.errors.find((e) => e.codeContext.includes("creationTime"))?.location).toContain("Document01");
    expect(await count("submission_set", patient)).toBe(0);
  });

  it("XDSDuplicateUniqueIdInRegistry: the same document uniqueId with another hash, or a taken submission set uniqueId", async () => {
    const patient = newPatient();
    await feed(patient);
    const entry = dischargeLetterEntry(patient);
    const ss = submissionSetFor(patient);
    expect((await register(registerRequestElement({ submissionSet: ss, documentEntries: [entry] }))).status).toBe(RESPONSE_STATUS.success);
    const sameIdOtherHash = { ...entry, hash: "0000000000000000000000000000000000000000" };
    const res = await register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [sameIdOtherHash] }));
    expect(codesOf(res)).toEqual(["XDSDuplicateUniqueIdInRegistry"]);
    const again = await register(registerRequestElement({ submissionSet: { ...ss }, documentEntries: [dischargeLetterEntry(patient)] }));
    expect(codesOf(again)).toEqual(["XDSDuplicateUniqueIdInRegistry"]);
    expect(await count("document_entry", patient)).toBe(1);
  });

  it("two concurrent registrations of one document uniqueId with different hashes: one registers, one is refused", async () => {
    const patient = newPatient();
    await feed(patient);
    const entry = dischargeLetterEntry(patient);
    const other = { ...entry, hash: "1111111111111111111111111111111111111111" };
    const results = await Promise.all(
      [entry, other].map((e) => register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [e] }))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([RESPONSE_STATUS.success, RESPONSE_STATUS.failure].sort());
    expect(results.flatMap(codesOf)).toEqual(["XDSDuplicateUniqueIdInRegistry"]);
    expect(await count("document_entry", patient)).toBe(1);
  });

  it("RPLC: the original becomes Deprecated; replacing it again is XDSRegistryDeprecatedDocumentError", async () => {
    const patient = newPatient();
    await feed(patient);
    const original = dischargeLetterEntry(patient);
    await register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [original] }));
    const originalUuid = (await registry.db.selectFrom("document_entry").select("entry_uuid").where("unique_id", "=", original.uniqueId ?? "").executeTakeFirstOrThrow()).entry_uuid;
    const replace = (): XmlElement =>
      registerRequestElement({
        submissionSet: submissionSetFor(patient),
        documentEntries: [dischargeLetterEntry(patient, { entryUuid: "Document02" })],
        associations: [association("replace", "Document02", originalUuid)],
      });
    expect((await register(replace())).status).toBe(RESPONSE_STATUS.success);
    const row = await registry.db.selectFrom("document_entry").select("status").where("entry_uuid", "=", originalUuid).executeTakeFirstOrThrow();
    expect(row.status).toBe(OBJECT_STATUS.deprecated);
    const second = await register(replace());
    expect(codesOf(second)).toEqual(["XDSRegistryDeprecatedDocumentError"]);
  });

  it("RPLC of another patient's document is XDSPatientIdDoesNotMatch; of an unknown one is an unresolved reference", async () => {
    const alice = newPatient();
    const bob = newPatient();
    await feed(alice);
    await feed(bob);
    const bobs = dischargeLetterEntry(bob);
    await register(registerRequestElement({ submissionSet: submissionSetFor(bob), documentEntries: [bobs] }));
    const bobsUuid = (await registry.db.selectFrom("document_entry").select("entry_uuid").where("unique_id", "=", bobs.uniqueId ?? "").executeTakeFirstOrThrow()).entry_uuid;
    const res = await register(
      registerRequestElement({
        submissionSet: submissionSetFor(alice),
        documentEntries: [dischargeLetterEntry(alice)],
        associations: [association("replace", "Document01", bobsUuid)],
      }),
    );
    expect(codesOf(res)).toEqual(["XDSPatientIdDoesNotMatch"]);
    const unknown = await register(
      registerRequestElement({
        submissionSet: submissionSetFor(alice),
        documentEntries: [dischargeLetterEntry(alice)],
        associations: [association("replace", "Document01", "urn:uuid:00000000-0000-4000-8000-000000000001")],
      }),
    );
    expect(codesOf(unknown)).toEqual(["UnresolvedReferenceException"]);
    expect(await count("document_entry", alice)).toBe(0);
  });

  it("adds a registered document to a registered folder and updates the folder's lastUpdateTime", async () => {
    const patient = newPatient();
    await feed(patient);
    const folder = {
      entryUuid: "Folder01",
      title: { value: "Suivi cardiologique" },
      patientId: patient,
      uniqueId: freshOid(),
      codeList: [{ code: "DSP-FOLDER-EPISODE", codingScheme: "1.3.6.1.4.1.59999.1.2" }],
      limitedMetadata: false,
      extraSlots: [],
    };
    const first = await register(
      registerRequestElement({ submissionSet: submissionSetFor(patient), folders: [folder], associations: [association("hasMember", "SubmissionSet01", "Folder01")] }),
    );
    expect(first.status, JSON.stringify(first.errors)).toBe(RESPONSE_STATUS.success);
    const stored = await registry.db.selectFrom("folder").selectAll().where("unique_id", "=", folder.uniqueId).executeTakeFirstOrThrow();
    expect(stored.last_update_time).toMatch(/^\d{14}$/);
    const doc = dischargeLetterEntry(patient);
    await register(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [doc] }));
    const docUuid = (await registry.db.selectFrom("document_entry").select("entry_uuid").where("unique_id", "=", doc.uniqueId ?? "").executeTakeFirstOrThrow()).entry_uuid;
    await registry.db.updateTable("folder").set({ last_update_time: "20000101000000", last_update_time_key: "20000101000000" }).where("entry_uuid", "=", stored.entry_uuid).execute();
    const add = await register(
      registerRequestElement({
        submissionSet: submissionSetFor(patient),
        associations: [
          association("hasMember", stored.entry_uuid, docUuid, { entryUuid: "FolderMember" }),
          association("hasMember", "SubmissionSet01", "FolderMember"),
        ],
      }),
    );
    expect(add.status, JSON.stringify(add.errors)).toBe(RESPONSE_STATUS.success);
    const touched = await registry.db.selectFrom("folder").select(["last_update_time", "metadata"]).where("entry_uuid", "=", stored.entry_uuid).executeTakeFirstOrThrow();
    expect(touched.last_update_time).not.toBe("20000101000000");
    expect((touched.metadata as { lastUpdateTime?: string }).lastUpdateTime).toBe(touched.last_update_time);
  });

  it("is all-or-nothing: a valid document with an unresolvable association stores nothing", async () => {
    const patient = newPatient();
    await feed(patient);
    const res = await register(
      registerRequestElement({
        submissionSet: submissionSetFor(patient),
        documentEntries: [dischargeLetterEntry(patient)],
        associations: [association("append", "Document01", "urn:uuid:00000000-0000-4000-8000-0000000000aa")],
      }),
    );
    expect(res.status).toBe(RESPONSE_STATUS.failure);
    expect(await count("document_entry", patient)).toBe(0);
    expect(await count("submission_set", patient)).toBe(0);
  });

  it("answers an MTOM-packaged request with MTOM", async () => {
    const patient = newPatient();
    await feed(patient);
    const envelope = `<?xml version="1.0"?><s:Envelope xmlns:s="${NS.soap12}" xmlns:a="${NS.wsa}"><s:Header><a:Action s:mustUnderstand="1">${ACTION.iti42.request}</a:Action><a:MessageID>urn:uuid:7d2ab86e-6a43-4d4b-9e2f-000000000042</a:MessageID></s:Header><s:Body>BODY</s:Body></s:Envelope>`;
    const { writeXml } = await import("@opendsp/ebxml");
    const body = writeXml(registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [dischargeLetterEntry(patient)] }), { prefixes: { [NS.lcm]: "lcm", [NS.rim]: "rim" } });
    const mtom = buildMtomMessage({ root: envelope.replace("BODY", body), action: ACTION.iti42.request, attachments: [] });
    const chunks: Buffer[] = [];
    for await (const c of mtom.body) chunks.push(c as Buffer);
    const res = await registry.app.inject({ method: "POST", url: "/xds/registry", headers: { "content-type": mtom.contentType }, payload: Buffer.concat(chunks) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^multipart\/related;.*type="application\/xop\+xml"/);
    expect(res.body).toContain(RESPONSE_STATUS.success);
    expect(res.body).toContain("urn:uuid:7d2ab86e-6a43-4d4b-9e2f-000000000042");
  });

  it("answers a wrong or missing action, malformed XML and a DOCTYPE with a SOAP Fault", async () => {
    const body = registerRequestElement({ submissionSet: submissionSetFor(newPatient()) });
    const wrong = await soapCall(registry.app, "urn:ihe:iti:2007:NotATransaction", body);
    expect(wrong.status).toBe(400);
    expect(wrong.fault?.subcodes).toContain("wsa:ActionNotSupported");
    const missing = await postSoap(registry.app, `<s:Envelope xmlns:s="${NS.soap12}"><s:Body><x/></s:Body></s:Envelope>`, "application/soap+xml");
    expect(missing.fault?.subcodes).toContain("wsa:MessageAddressingHeaderRequired");
    const broken = await postSoap(registry.app, "<s:Envelope", "application/soap+xml");
    expect(broken.status).toBe(400);
    expect(broken.fault?.code).toBe("Sender");
    const doctype = await postSoap(registry.app, `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, "application/soap+xml");
    expect(doctype.fault?.code).toBe("Sender");
    const notSoap = await registry.app.inject({ method: "POST", url: "/xds/registry", headers: { "content-type": "application/json" }, payload: "{}" });
    expect(notSoap.statusCode).toBeGreaterThanOrEqual(400);
  });

  it("accepts the real OpenHIM register request once its patient is known (warning for the short association type)", async () => {
    const envelope = sampleElement("openhim-mediator-xds/RegisterDocumentSet-bRequest_SOAP.xml");
    const body = firstChild(envelope, NS.soap12, "Body");
    const sor = body && childElements(body)[0];
    if (!sor) throw new Error("no body");
    await feed("SELF-5^^^&1.3.6.1.4.1.21367.2005.3.7&ISO");
    const res = await register(sor);
    // Refused for the missing hash, size and repositoryUniqueId that ITI-42 requires (see the validation tests).
    expect(codesOf(res)).toEqual(["XDSRegistryMetadataError", "XDSRegistryMetadataError", "XDSRegistryMetadataError"]);
  });
});

describe("ITI-42 with the affinity domain's codes", () => {
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startRegistry("pglite", { codes: parseCodesXml(readFileSync(DEFAULT_CODES_FILE)) });
  });
  afterAll(async () => {
    await registry.close();
  });

  it("accepts the DSP's own codes and refuses codes outside the domain, naming each", async () => {
    const patient = `${Date.now()}^^^&1.3.6.1.4.1.59999.2.1&ISO`;
    await upsertPatient(registry.db, patient);
    const ok = responseOf((await soapCall(registry.app, ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [dischargeLetterEntry(patient)] }))).body);
    expect(ok.status, JSON.stringify(ok.errors)).toBe(RESPONSE_STATUS.success);
    const odd = dischargeLetterEntry(patient, { classCode: { code: "99999-9", codingScheme: "2.16.840.1.113883.6.1" } });
    const bad = responseOf((await soapCall(registry.app, ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [odd] }))).body);
    expect(codesOf(bad)).toEqual(["XDSRegistryMetadataError"]);
    expect(bad.errors[0]?.codeContext).toContain("99999-9");
  });

  it("refuses a patient id of another assigning authority", async () => {
    const patient = `${Date.now()}^^^&9.9.9&ISO`;
    await upsertPatient(registry.db, patient);
    const res = responseOf((await soapCall(registry.app, ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patient), documentEntries: [dischargeLetterEntry(patient)] }))).body);
    expect(codesOf(res)).toContain("XDSUnknownPatientId");
  });
});
