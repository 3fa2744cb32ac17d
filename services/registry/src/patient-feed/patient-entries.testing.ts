import { OBJECT_STATUS } from "@opendsp/ebxml";
import { association, dischargeLetterEntry, freshOid, submissionSetFor } from "@opendsp/testing";
import type { Kysely } from "kysely";
import { randomUUID } from "node:crypto";
import type { RegistryDatabase } from "../storage/registry-database.js";
import { insertSubmission } from "../storage/submission.repository.js";

export interface InsertedEntries {
  readonly submissionSetUuid: string;
  readonly documentEntryUuid: string;
  readonly folderUuid: string;
}

/**
 * Registers a submission set, a document and a folder (Approved) for a patient straight into the tables, as a
 * successful ITI-42 would, so merge tests do not depend on the registration path.
 */
export async function insertEntriesFor(db: Kysely<RegistryDatabase>, patientId: string): Promise<InsertedEntries> {
  const approved = OBJECT_STATUS.approved;
  const submissionSet = { ...submissionSetFor(patientId, { entryUuid: `urn:uuid:${randomUUID()}` }), availabilityStatus: approved };
  const documentEntry = { ...dischargeLetterEntry(patientId, { entryUuid: `urn:uuid:${randomUUID()}` }), availabilityStatus: approved };
  const folderUuid = `urn:uuid:${randomUUID()}`;
  const folder = {
    entryUuid: folderUuid,
    availabilityStatus: approved,
    title: { value: "Cardiologie" },
    patientId,
    uniqueId: freshOid(),
    codeList: [{ code: "cardio", codingScheme: "1.3.6.1.4.1.59999.5", displayName: "Cardiologie" }],
    lastUpdateTime: "20261119150000",
    limitedMetadata: false,
    extraSlots: [],
  };
  const associations = [
    association("hasMember", submissionSet.entryUuid, documentEntry.entryUuid, { entryUuid: `urn:uuid:${randomUUID()}`, submissionSetStatus: "Original" }),
    association("hasMember", submissionSet.entryUuid, folderUuid, { entryUuid: `urn:uuid:${randomUUID()}` }),
    association("hasMember", folderUuid, documentEntry.entryUuid, { entryUuid: `urn:uuid:${randomUUID()}` }),
  ].map((a) => ({ ...a, availabilityStatus: approved }));
  await db.transaction().execute((tx) => insertSubmission(tx, { submissionSet, documentEntries: [documentEntry], folders: [folder], associations }));
  return { submissionSetUuid: submissionSet.entryUuid, documentEntryUuid: documentEntry.entryUuid, folderUuid };
}
