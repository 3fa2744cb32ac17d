import { sql, type Kysely, type Transaction } from "kysely";
import type { PatientRules, RecordState, Representative, RepresentativeRelation, RepresentativeRight } from "../domain/patient-rules.js";
import type { ConsentDatabase } from "./consent-database.js";
import { listRunningPresenceGrants } from "./presence.repository.js";

/** The patient's rules and the lists they name: SQL only, one function per statement. */

export type Db = Kysely<ConsentDatabase> | Transaction<ConsentDatabase>;

export type ProfessionalList = "trust_circle_member" | "blacklist_member";

export interface PatientSettingsRow {
  readonly recordState: RecordState;
  readonly emergencyRefused: boolean;
  readonly referringDoctor: string | null;
  readonly rulesVersion: number;
}

/** Everything a decision needs, with the presence grants still running at `now`; undefined for a patient who never set a rule. */
export async function loadPatientRules(db: Db, patientId: string, now: Date): Promise<PatientRules | undefined> {
  const settings = await db.selectFrom("patient_rules").selectAll().where("patient_id", "=", patientId).executeTakeFirst();
  if (!settings) return undefined;
  const [trustCircle, blacklist, masked, representatives, grants] = await Promise.all([
    listProfessionals(db, "trust_circle_member", patientId),
    listProfessionals(db, "blacklist_member", patientId),
    listMaskedDocuments(db, patientId),
    listRepresentatives(db, patientId),
    listRunningPresenceGrants(db, patientId, now),
  ]);
  return {
    patientId,
    recordState: settings.record_state,
    emergencyRefused: settings.emergency_refused,
    referringDoctor: settings.referring_doctor,
    trustCircle: trustCircle.map((m) => m.professionalId),
    blacklist: blacklist.map((m) => m.professionalId),
    maskedDocumentUniqueIds: masked.map((m) => m.documentUniqueId),
    representatives,
    presenceGrants: grants.map((g) => ({ professionalId: g.professionalId, startsAt: g.startsAt, endsAt: g.endsAt })),
    rulesVersion: settings.rules_version,
  };
}

/** The patient's settings row, locked for the rest of the transaction (created first with the defaults). */
export async function lockPatientSettings(trx: Transaction<ConsentDatabase>, patientId: string, now: Date): Promise<PatientSettingsRow> {
  await trx.insertInto("patient_rules").values({ patient_id: patientId, referring_doctor: null, updated_at: now }).onConflict((oc) => oc.column("patient_id").doNothing()).execute();
  const row = await trx.selectFrom("patient_rules").selectAll().where("patient_id", "=", patientId).forUpdate().executeTakeFirstOrThrow();
  return { recordState: row.record_state, emergencyRefused: row.emergency_refused, referringDoctor: row.referring_doctor, rulesVersion: row.rules_version };
}

/** The patient's settings without a lock, or undefined when the patient never set any rule. */
export async function findPatientSettings(db: Db, patientId: string): Promise<PatientSettingsRow | undefined> {
  const row = await db.selectFrom("patient_rules").selectAll().where("patient_id", "=", patientId).executeTakeFirst();
  return row && { recordState: row.record_state, emergencyRefused: row.emergency_refused, referringDoctor: row.referring_doctor, rulesVersion: row.rules_version };
}

export async function updatePatientSettings(
  trx: Transaction<ConsentDatabase>,
  patientId: string,
  values: { recordState?: RecordState; emergencyRefused?: boolean; referringDoctor?: string | null },
  now: Date,
): Promise<void> {
  await trx
    .updateTable("patient_rules")
    .set({
      ...(values.recordState === undefined ? {} : { record_state: values.recordState }),
      ...(values.emergencyRefused === undefined ? {} : { emergency_refused: values.emergencyRefused }),
      ...(values.referringDoctor === undefined ? {} : { referring_doctor: values.referringDoctor }),
      updated_at: now,
    })
    .where("patient_id", "=", patientId)
    .execute();
}

/** Raises the rules version by one and answers the new version. */
export async function incrementRulesVersion(trx: Transaction<ConsentDatabase>, patientId: string, now: Date): Promise<number> {
  const row = await trx
    .updateTable("patient_rules")
    .set({ rules_version: sql<number>`rules_version + 1`, updated_at: now })
    .where("patient_id", "=", patientId)
    .returning("rules_version")
    .executeTakeFirstOrThrow();
  return row.rules_version;
}

export async function listProfessionals(db: Db, list: ProfessionalList, patientId: string): Promise<{ professionalId: string; addedAt: Date }[]> {
  const rows = await db.selectFrom(list).select(["professional_id", "added_at"]).where("patient_id", "=", patientId).orderBy("added_at").orderBy("professional_id").execute();
  return rows.map((r) => ({ professionalId: r.professional_id, addedAt: r.added_at }));
}

/** Adds the professional to the list; false when already there. */
export async function addProfessional(trx: Transaction<ConsentDatabase>, list: ProfessionalList, patientId: string, professionalId: string, now: Date): Promise<boolean> {
  const rows = await trx
    .insertInto(list)
    .values({ patient_id: patientId, professional_id: professionalId, added_at: now })
    .onConflict((oc) => oc.columns(["patient_id", "professional_id"]).doNothing())
    .returning("professional_id")
    .execute();
  return rows.length > 0;
}

/** Removes the professional from the list; false when not there. */
export async function removeProfessional(trx: Transaction<ConsentDatabase>, list: ProfessionalList, patientId: string, professionalId: string): Promise<boolean> {
  const rows = await trx.deleteFrom(list).where("patient_id", "=", patientId).where("professional_id", "=", professionalId).returning("professional_id").execute();
  return rows.length > 0;
}

export async function listMaskedDocuments(db: Db, patientId: string): Promise<{ documentUniqueId: string; maskedAt: Date }[]> {
  const rows = await db.selectFrom("masked_document").select(["document_unique_id", "masked_at"]).where("patient_id", "=", patientId).orderBy("masked_at").orderBy("document_unique_id").execute();
  return rows.map((r) => ({ documentUniqueId: r.document_unique_id, maskedAt: r.masked_at }));
}

export async function addMaskedDocument(trx: Transaction<ConsentDatabase>, patientId: string, documentUniqueId: string, now: Date): Promise<boolean> {
  const rows = await trx
    .insertInto("masked_document")
    .values({ patient_id: patientId, document_unique_id: documentUniqueId, masked_at: now })
    .onConflict((oc) => oc.columns(["patient_id", "document_unique_id"]).doNothing())
    .returning("document_unique_id")
    .execute();
  return rows.length > 0;
}

export async function removeMaskedDocument(trx: Transaction<ConsentDatabase>, patientId: string, documentUniqueId: string): Promise<boolean> {
  const rows = await trx.deleteFrom("masked_document").where("patient_id", "=", patientId).where("document_unique_id", "=", documentUniqueId).returning("document_unique_id").execute();
  return rows.length > 0;
}

export async function listRepresentatives(db: Db, patientId: string): Promise<Representative[]> {
  const rows = await db.selectFrom("representative").selectAll().where("patient_id", "=", patientId).orderBy("person_id").execute();
  return rows.map((r) => ({ personId: r.person_id, rights: rightsOf(r.can_read, r.can_manage), relation: r.relation }));
}

export async function findRepresentative(db: Db, patientId: string, personId: string): Promise<Representative | undefined> {
  const r = await db.selectFrom("representative").selectAll().where("patient_id", "=", patientId).where("person_id", "=", personId).executeTakeFirst();
  return r && { personId: r.person_id, rights: rightsOf(r.can_read, r.can_manage), relation: r.relation };
}

export async function upsertRepresentative(
  trx: Transaction<ConsentDatabase>,
  patientId: string,
  representative: { personId: string; rights: readonly RepresentativeRight[]; relation: RepresentativeRelation | null },
  now: Date,
): Promise<void> {
  const values = { can_read: representative.rights.includes("read"), can_manage: representative.rights.includes("manage"), relation: representative.relation, updated_at: now };
  await trx
    .insertInto("representative")
    .values({ patient_id: patientId, person_id: representative.personId, ...values })
    .onConflict((oc) => oc.columns(["patient_id", "person_id"]).doUpdateSet(values))
    .execute();
}

export async function removeRepresentative(trx: Transaction<ConsentDatabase>, patientId: string, personId: string): Promise<boolean> {
  const rows = await trx.deleteFrom("representative").where("patient_id", "=", patientId).where("person_id", "=", personId).returning("person_id").execute();
  return rows.length > 0;
}

function rightsOf(canRead: boolean, canManage: boolean): RepresentativeRight[] {
  return [...(canRead ? (["read"] as const) : []), ...(canManage ? (["manage"] as const) : [])];
}
