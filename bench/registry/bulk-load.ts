import { ASSOCIATION_TYPE, OBJECT_STATUS, type DocumentEntry, type SubmissionSet } from "@opendsp/ebxml";
import { TEST_AUTHOR, dischargeLetterEntry, submissionSetFor } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { createHash } from "node:crypto";
import type { RegistryDatabase } from "../../services/registry/src/storage/registry-database.js";
import { addSubmissionRows, emptyRows, insertRows } from "../../services/registry/src/storage/submission.repository.js";
import { progressBar } from "../progress-bar.js";
import { LOINC, SNOMED, categoryAt } from "./dsp-categories.js";

/** A small deterministic generator so two runs load the same data (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (n: number, kind: number): string => {
  const h = createHash("sha1").update(`${kind}:${n}`).digest("hex");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export const BENCH_PATIENT_AUTHORITY = "&1.3.6.1.4.1.59999.2.1&ISO";
export const patientIdOf = (n: number): string => `BENCH${String(n).padStart(8, "0")}^^^${BENCH_PATIENT_AUTHORITY}`;

/** The patient the latency benchmark queries: exactly 50 documents. */
export const PATIENT_WITH_50 = patientIdOf(0);

/**
 * Loads `total` documents for patients holding 10-200 documents each (patient 0 holds exactly 50), a submission set
 * per episode of 1-4 documents, DSP category mix and dates spread over ten years, with multi-row inserts.
 */
export async function bulkLoad(db: Kysely<RegistryDatabase>, total: number, seed = 42): Promise<{ patients: number; documents: number }> {
  const rnd = random(seed);
  const bar = progressBar("loading registry", total);
  let documents = 0;
  let patient = 0;
  let rows = emptyRows();
  let pendingPatients: { patient_id: string }[] = [];
  const flush = async (): Promise<void> => {
    const batch = rows;
    const people = pendingPatients;
    rows = emptyRows();
    pendingPatients = [];
    await db.transaction().execute(async (tx) => {
      if (people.length) await tx.insertInto("patient").values(people).execute();
      await insertRows(tx, batch);
    });
  };
  while (documents < total) {
    const patientId = patientIdOf(patient);
    const count = Math.min(total - documents, patient === 0 ? 50 : 10 + Math.floor(rnd() * 191));
    pendingPatients.push({ patient_id: patientId });
    let made = 0;
    while (made < count) {
      const episode = Math.min(count - made, 1 + Math.floor(rnd() * 4));
      const n = documents + made;
      const year = 2016 + Math.floor(rnd() * 10);
      const month = String(1 + Math.floor(rnd() * 12)).padStart(2, "0");
      const day = String(1 + Math.floor(rnd() * 28)).padStart(2, "0");
      const when = `${year}${month}${day}`;
      const ss: SubmissionSet = {
        ...submissionSetFor(patientId, { entryUuid: uuid(n, 1), uniqueId: `1.3.6.1.4.1.59999.8.1.${n}` }),
        submissionTime: `${when}120000`,
        availabilityStatus: OBJECT_STATUS.approved,
      };
      const entries: DocumentEntry[] = [];
      for (let i = 0; i < episode; i++) {
        const c = categoryAt(rnd());
        entries.push({
          ...dischargeLetterEntry(patientId, {
            entryUuid: uuid(n + i, 2),
            uniqueId: `1.3.6.1.4.1.59999.8.2.${n + i}`,
            mimeType: c.mimeType,
            title: { value: c.display },
            classCode: { code: c.classCode, codingScheme: LOINC, displayName: c.display },
            typeCode: { code: c.classCode, codingScheme: LOINC, displayName: c.display },
            practiceSettingCode: { code: c.practiceSetting, codingScheme: SNOMED },
            creationTime: `${when}1000`,
            serviceStartTime: when,
            serviceStopTime: when,
            authors: [TEST_AUTHOR],
          }),
          availabilityStatus: OBJECT_STATUS.approved,
        });
      }
      addSubmissionRows(rows, {
        submissionSet: ss,
        documentEntries: entries,
        folders: [],
        associations: entries.map((e, i) => ({
          entryUuid: uuid(n + i, 3),
          type: "HasMember" as const,
          associationType: ASSOCIATION_TYPE.hasMember,
          sourceUuid: ss.entryUuid,
          targetUuid: e.entryUuid,
          submissionSetStatus: "Original",
          availabilityStatus: OBJECT_STATUS.approved,
          extraSlots: [],
        })),
      });
      made += episode;
    }
    documents += count;
    patient += 1;
    bar.tick(count);
    if (rows.documentEntries.length >= 1000) await flush();
  }
  await flush();
  bar.done();
  return { patients: patient, documents };
}
