import {
  ACTION,
  ERROR_SEVERITY,
  OBJECT_STATUS,
  RESPONSE_STATUS,
  STORED_QUERY,
  parseRegistryResponse,
  type RegistryResponse,
  type XmlElement,
} from "@opendsp/ebxml";
import { createLogger } from "@opendsp/platform";
import { dischargeLetterEntry, registerRequestElement, submissionSetFor } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOf, metadataOf, quoted, slot, storedQuery } from "../domain/stored-query/stored-query.testing.js";
import { findPatient } from "../storage/patient.repository.js";
import { registryAuditor } from "../audit/registry-audit-record.js";
import { auditRecordsIn } from "../testing/audit-records.js";
import { DATABASE_KINDS, soapCall, startRegistry, type RegistryUnderTest } from "../testing/registry-harness.js";
import { IHERED_CODES, adtA04, adtA40, domainId } from "./adt-message.fixtures.js";
import { MllpTestClient, readAck } from "./mllp-client.testing.js";
import { insertEntriesFor, type InsertedEntries } from "./patient-entries.testing.js";
import { mergePatients } from "./patient-identity.service.js";
import { startPatientFeedListener, type PatientFeedListener } from "./patient-feed.listener.js";

let counter = 0;
const freshId = (): string => domainId(`M${Date.now()}-${process.pid}-${++counter}`);

function responseOf(body: XmlElement | undefined): RegistryResponse {
  if (!body) throw new Error("no response body");
  const r = parseRegistryResponse(body);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe.each(DATABASE_KINDS)("patient identity merge (ITI TF-2a 3.8.4.2.3) on %s", (kind) => {
  let registry: RegistryUnderTest;
  let listener: PatientFeedListener;
  let client: MllpTestClient;

  beforeAll(async () => {
    registry = await startRegistry(kind, { codes: IHERED_CODES, env: { HL7_MLLP_PORT: "0" } });
    listener = await startPatientFeedListener({ config: registry.config, db: registry.db, codes: IHERED_CODES, auditWritten: () => undefined }, createLogger({ service: "registry", level: "silent" }));
    client = await MllpTestClient.connect(listener.port);
  });
  afterAll(async () => {
    client.close();
    await listener.close();
    await registry.close();
  });

  async function feed(controlId: string, patientId: string): Promise<void> {
    expect(readAck(await client.send(adtA04(controlId, patientId))).ackCode).toBe("AA");
  }

  async function rowsOf(entries: InsertedEntries) {
    const de = await registry.db.selectFrom("document_entry").select(["patient_id", "metadata"]).where("entry_uuid", "=", entries.documentEntryUuid).executeTakeFirstOrThrow();
    const ss = await registry.db.selectFrom("submission_set").select(["patient_id", "metadata"]).where("entry_uuid", "=", entries.submissionSetUuid).executeTakeFirstOrThrow();
    const fol = await registry.db.selectFrom("folder").select(["patient_id", "metadata"]).where("entry_uuid", "=", entries.folderUuid).executeTakeFirstOrThrow();
    return [de, ss, fol].map((r) => ({ column: r.patient_id, metadata: (r.metadata as { patientId?: string }).patientId }));
  }

  async function register(patientId: string): Promise<RegistryResponse> {
    const res = await soapCall(
      registry.app,
      ACTION.iti42.request,
      registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: [dischargeLetterEntry(patientId)] }),
    );
    return responseOf(res.body);
  }

  it("A40 moves the subsumed patient's documents, submission sets and folders to the surviving id", async () => {
    const surviving = freshId();
    const subsumed = freshId();
    await feed("E-ADD-1", surviving);
    await feed("E-ADD-2", subsumed);
    const ofSubsumed = await insertEntriesFor(registry.db, subsumed);
    const ofSurviving = await insertEntriesFor(registry.db, surviving);
    expect(await rowsOf(ofSubsumed)).toEqual(Array(3).fill({ column: subsumed, metadata: subsumed }));

    const ack = readAck(await client.send(adtA40("E-MERGE", surviving, subsumed)));
    expect(ack).toMatchObject({ ackCode: "AA", controlId: "E-MERGE" });

    expect(await rowsOf(ofSubsumed)).toEqual(Array(3).fill({ column: surviving, metadata: surviving }));
    expect(await rowsOf(ofSurviving)).toEqual(Array(3).fill({ column: surviving, metadata: surviving }));
    // Only patientId changed in the stored views: the source's own patient id stays as submitted.
    const de = await registry.db.selectFrom("document_entry").select("metadata").where("entry_uuid", "=", ofSubsumed.documentEntryUuid).executeTakeFirstOrThrow();
    expect(de.metadata).toMatchObject({ sourcePatientId: "A-77231^^^&1.3.182.99.1&ISO", mimeType: "application/pdf" });
    expect(await findPatient(registry.db, subsumed)).toEqual({ patientId: subsumed, status: "merged", mergedInto: surviving });

    const audit = (await auditRecordsIn(registry.db)).filter((r) => r.transaction === "ITI-8" && r.patientIds[0] === surviving && r.patientIds[1] === subsumed);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "success", feedAction: "update" });
  });

  it("after the merge ITI-18 FindDocuments by the surviving id returns the moved entries, by the subsumed id none", async () => {
    const surviving = freshId();
    const subsumed = freshId();
    await feed("Q-ADD-1", surviving);
    await feed("Q-ADD-2", subsumed);
    const moved = await insertEntriesFor(registry.db, subsumed);
    expect(readAck(await client.send(adtA40("Q-MERGE", surviving, subsumed))).ackCode).toBe("AA");

    const find = (patientId: string) =>
      storedQuery(registry.app, STORED_QUERY.findDocuments, [slot("$XDSDocumentEntryPatientId", quoted(patientId)), slot("$XDSDocumentEntryStatus", listOf(OBJECT_STATUS.approved))]);
    const bySurviving = await find(surviving);
    expect(bySurviving.status).toBe(RESPONSE_STATUS.success);
    expect(metadataOf(bySurviving).documentEntries.map((d) => [d.entryUuid, d.patientId])).toEqual([[moved.documentEntryUuid, surviving]]);
    // Empty Success or XDSUnknownPatientId, depending on the stored query's patient check: never the moved entries.
    expect(metadataOf(await find(subsumed)).documentEntries).toEqual([]);
  });

  it("after the merge ITI-42 under the subsumed id answers XDSUnknownPatientId, under the surviving id Success", async () => {
    const surviving = freshId();
    const subsumed = freshId();
    await feed("R-ADD-1", surviving);
    await feed("R-ADD-2", subsumed);
    expect(readAck(await client.send(adtA40("R-MERGE", surviving, subsumed))).ackCode).toBe("AA");

    const refused = await register(subsumed);
    expect(refused.status).toBe(RESPONSE_STATUS.failure);
    expect(refused.errors.filter((e) => e.severity === ERROR_SEVERITY.error).map((e) => e.errorCode)).toContain("XDSUnknownPatientId");
    expect((await register(surviving)).status).toBe(RESPONSE_STATUS.success);
  });

  it("ids merged into the subsumed one earlier follow it to the new surviving id", async () => {
    const [a, b, c] = [freshId(), freshId(), freshId()];
    for (const [i, id] of [a, b, c].entries()) await feed(`C-ADD-${i}`, id);
    const ofA = await insertEntriesFor(registry.db, a);
    expect(readAck(await client.send(adtA40("C-MERGE-1", b, a))).ackCode).toBe("AA"); // a -> b
    expect(readAck(await client.send(adtA40("C-MERGE-2", c, b))).ackCode).toBe("AA"); // b -> c
    expect(await findPatient(registry.db, a)).toMatchObject({ status: "merged", mergedInto: c });
    expect(await findPatient(registry.db, b)).toMatchObject({ status: "merged", mergedInto: c });
    expect(await rowsOf(ofA)).toEqual(Array(3).fill({ column: c, metadata: c }));
    // Merging into an id that was itself merged is refused: the sender must name the surviving one.
    const intoMerged = readAck(await client.send(adtA40("C-MERGE-3", b, freshId())));
    expect(intoMerged.ackCode).toBe("AE");
  });

  it("one A40 with two pairs is all or nothing", async () => {
    const [s1, o1, s2] = [freshId(), freshId(), freshId()];
    await feed("A-ADD-1", s1);
    await feed("A-ADD-2", o1);
    const ofO1 = await insertEntriesFor(registry.db, o1);
    const result = await mergePatients(
      registry.db,
      [
        { survivingId: s1, subsumedId: o1 },
        { survivingId: s2, subsumedId: freshId() }, // unknown subsumed: the whole message is refused
      ],
      { auditor: registryAuditor(registry.config, {}), feedAction: "update" },
    );
    expect(result).toMatchObject({ ok: false, reason: "unknown-subsumed" });
    expect(await findPatient(registry.db, o1)).toMatchObject({ status: "active" });
    expect(await rowsOf(ofO1)).toEqual(Array(3).fill({ column: o1, metadata: o1 }));
  });
});
