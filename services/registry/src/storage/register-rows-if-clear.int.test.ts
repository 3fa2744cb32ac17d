import { ASSOCIATION_TYPE, OBJECT_STATUS, type DocumentEntry } from "@opendsp/ebxml";
import { dischargeLetterEntry, freshOid, submissionSetFor } from "@opendsp/testing";
import { sql } from "kysely";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, startRegistry, type RegistryUnderTest } from "../testing/registry-harness.js";
import { upsertPatient } from "./patient.repository.js";
import { registerIfClear } from "./registry-lookup.repository.js";
import { addSubmissionRows, emptyRows, registrationRowsJson } from "./submission.repository.js";

let counter = 0;
const newPatient = (): string => `RIC${Date.now()}${++counter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
const uuid = (): string => `urn:uuid:${randomUUID()}`;
const approved = { availabilityStatus: OBJECT_STATUS.approved };

/** A one-document submission with registry UUIDs and an audit row, as register_rows_if_clear receives it. */
function submission(patientId: string, overrides: { entry?: Partial<DocumentEntry>; submissionSetUniqueId?: string } = {}) {
  const entry = { ...dischargeLetterEntry(patientId, overrides.entry), entryUuid: uuid(), ...approved };
  const set = { ...submissionSetFor(patientId, overrides.submissionSetUniqueId ? { uniqueId: overrides.submissionSetUniqueId } : {}), entryUuid: uuid(), ...approved };
  const member = { entryUuid: uuid(), associationType: ASSOCIATION_TYPE.hasMember, sourceUuid: set.entryUuid, targetUuid: entry.entryUuid, submissionSetStatus: "Original", extraSlots: [], ...approved };
  const rows = emptyRows();
  addSubmissionRows(rows, { submissionSet: set, documentEntries: [entry], folders: [], associations: [member] });
  const eventId = randomUUID();
  return {
    entry,
    set,
    eventId,
    rows: registrationRowsJson(rows, { event_id: eventId, record: JSON.stringify({ eventId, transaction: "ITI-42" }) }),
    clear: (own: readonly string[] = []) => ({
      patientId,
      documents: [{ uniqueId: entry.uniqueId ?? "", hash: entry.hash }],
      packageUniqueIds: [set.uniqueId ?? ""],
      ownEntryUuids: own,
    }),
  };
}

describe.each(DATABASE_KINDS)("register_rows_if_clear, the one-round-trip ITI-42 registration, on %s", (kind) => {
  let registry: RegistryUnderTest;
  const setsWithUniqueId = async (uniqueId: string | undefined): Promise<number> =>
    (await registry.db.selectFrom("submission_set").select("entry_uuid").where("unique_id", "=", uniqueId ?? "").execute()).length;

  /** A known patient with one submission already registered through register_rows_if_clear. */
  async function patientWithFirstSubmission(): Promise<{ patient: string; first: ReturnType<typeof submission> }> {
    const patient = newPatient();
    await upsertPatient(registry.db, patient);
    const first = submission(patient);
    expect(await registerIfClear(registry.db, first.clear(), first.rows)).toBe(true);
    return { patient, first };
  }

  beforeAll(async () => {
    registry = await startRegistry(kind);
  });
  afterAll(async () => {
    await registry.close();
  });

  it("writes a submission that nothing in the registry refuses, every row and its audit row", async () => {
    const { patient, first: s } = await patientWithFirstSubmission();
    expect(await setsWithUniqueId(s.set.uniqueId)).toBe(1);
    const stored = await registry.db
      .selectFrom("document_entry")
      .select(["patient_id", "status", "version", "size", "hash", "metadata", "leaf_xml", "registered_at", "creation_time_key", "submission_set_uuid"])
      .where("entry_uuid", "=", s.entry.entryUuid)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ patient_id: patient, status: OBJECT_STATUS.approved, version: 1, hash: s.entry.hash, submission_set_uuid: s.set.entryUuid });
    expect(Number(stored.size)).toBe(Number(s.entry.size));
    expect(stored.creation_time_key).toMatch(/^\d{14}$/);
    expect(stored.registered_at).toBeInstanceOf(Date);
    // The JSON view is stored as a jsonb object, not as a string holding one.
    expect(stored.metadata).toMatchObject({ entryUuid: s.entry.entryUuid, uniqueId: s.entry.uniqueId });
    expect(stored.leaf_xml).toContain(`id="${s.entry.entryUuid}"`);
    const codes = await registry.db.selectFrom("document_entry_code").select("attribute").where("entry_uuid", "=", s.entry.entryUuid).execute();
    expect(codes.length).toBe(s.entry.confidentialityCodes.length + s.entry.eventCodes.length);
    const authors = await registry.db.selectFrom("document_entry_author").select("person").where("entry_uuid", "=", s.entry.entryUuid).execute();
    expect(authors.map((a) => a.person)).toEqual(s.entry.authors.flatMap((a) => (a.person ? [a.person] : [])));
    const member = await registry.db.selectFrom("association").select(["source_uuid", "status", "metadata"]).where("target_uuid", "=", s.entry.entryUuid).executeTakeFirstOrThrow();
    expect(member).toMatchObject({ source_uuid: s.set.entryUuid, status: OBJECT_STATUS.approved, metadata: { associationType: ASSOCIATION_TYPE.hasMember } });
    const audit = await registry.db.selectFrom("audit_outbox").select(["record", "attempts", "held_aside"]).where("event_id", "=", s.eventId).executeTakeFirstOrThrow();
    expect(audit).toEqual({ record: JSON.stringify({ eventId: s.eventId, transaction: "ITI-42" }), attempts: 0, held_aside: false });
  });

  it("writes nothing for an unknown patient or a merged one (ITI TF-2b 3.42.4.1.3.5)", async () => {
    const unknown = submission(newPatient());
    expect(await registerIfClear(registry.db, unknown.clear(), unknown.rows)).toBe(false);
    expect(await setsWithUniqueId(unknown.set.uniqueId)).toBe(0);

    const [merged, surviving] = [newPatient(), newPatient()];
    await upsertPatient(registry.db, merged);
    await upsertPatient(registry.db, surviving);
    await registry.db.updateTable("patient").set({ status: "merged", merged_into: surviving }).where("patient_id", "=", merged).execute();
    const s = submission(merged);
    expect(await registerIfClear(registry.db, s.clear(), s.rows)).toBe(false);
    expect(await setsWithUniqueId(s.set.uniqueId)).toBe(0);
  });

  it("writes nothing when the submission set's uniqueId is taken (ITI TF-2b 3.42.4.1.3.3)", async () => {
    const { patient, first } = await patientWithFirstSubmission();
    const second = submission(patient, { submissionSetUniqueId: first.set.uniqueId ?? "" });
    expect(await registerIfClear(registry.db, second.clear(), second.rows)).toBe(false);
    expect(await setsWithUniqueId(first.set.uniqueId)).toBe(1);
  });

  it("writes nothing for a document uniqueId registered with another hash, and writes one registered with the same hash", async () => {
    const { patient, first } = await patientWithFirstSubmission();

    const otherHash = submission(patient, { entry: { uniqueId: first.entry.uniqueId ?? "", hash: "0".repeat(40) } });
    expect(await registerIfClear(registry.db, otherHash.clear(), otherHash.rows)).toBe(false);
    expect(await setsWithUniqueId(otherHash.set.uniqueId)).toBe(0);

    // The hash compared in lower case, as the registry stores it.
    const sameHash = submission(patient, { entry: { uniqueId: first.entry.uniqueId ?? "", hash: (first.entry.hash ?? "").toUpperCase() } });
    expect(await registerIfClear(registry.db, sameHash.clear(), sameHash.rows)).toBe(true);
    expect(await setsWithUniqueId(sameHash.set.uniqueId)).toBe(1);
  });

  it("writes nothing when an entryUUID the sender chose is already registered", async () => {
    const { patient, first } = await patientWithFirstSubmission();
    const second = submission(patient);
    expect(await registerIfClear(registry.db, second.clear([second.set.entryUuid, first.entry.entryUuid]), second.rows)).toBe(false);
    expect(await setsWithUniqueId(second.set.uniqueId)).toBe(0);
  });

  it("stores quotes, backslashes and placeholder-like text exactly, whatever the session's standard_conforming_strings", async () => {
    const patient = newPatient();
    await upsertPatient(registry.db, patient);
    const title = `L'hôpital \\ "C:\\temp\\n" $1 $2 ''; --`;
    const s = submission(patient, { entry: { title: { value: title, lang: "fr-LU" }, uniqueId: freshOid() } });
    const registered = await registry.db.connection().execute(async (one) => {
      await sql`SET standard_conforming_strings = off`.execute(one);
      try {
        return await registerIfClear(one, s.clear(), s.rows);
      } finally {
        await sql`RESET standard_conforming_strings`.execute(one);
      }
    });
    expect(registered).toBe(true);
    const row = await registry.db.selectFrom("document_entry").select(["metadata", "leaf_xml"]).where("entry_uuid", "=", s.entry.entryUuid).executeTakeFirstOrThrow();
    expect((row.metadata as { title: { value: string } }).title.value).toBe(title);
    expect(row.leaf_xml).toContain(`L'hôpital \\ &quot;C:\\temp\\n&quot; $1 $2 ''; --`);
  });
});
