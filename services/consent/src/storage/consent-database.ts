import type { ColumnType, Generated } from "kysely";

/** Kysely types of the consent schema (migrations/2026-12-05T1100-consent-schema.ts). */

type Timestamp = ColumnType<Date, Date, Date>;
/** bigserial: read back as a string (64-bit), never written. */
type SerialId = ColumnType<string, never, never>;
/** jsonb: written as a JSON string, read back as a value. */
type Json<T> = ColumnType<T, string, string>;

export interface PatientRulesTable {
  patient_id: string;
  record_state: ColumnType<"open" | "closed" | "reopened", "open" | "closed" | "reopened" | undefined, "open" | "closed" | "reopened">;
  emergency_refused: Generated<boolean>;
  referring_doctor: string | null;
  rules_version: Generated<number>;
  updated_at: Timestamp;
}

export interface ProfessionalListTable {
  patient_id: string;
  professional_id: string;
  added_at: Timestamp;
}

export interface MaskedDocumentTable {
  patient_id: string;
  document_unique_id: string;
  masked_at: Timestamp;
}

export interface RepresentativeTable {
  patient_id: string;
  person_id: string;
  can_read: boolean;
  can_manage: boolean;
  relation: "legal-representative" | "companion" | null;
  updated_at: Timestamp;
}

export interface ConsentChangeTable {
  id: SerialId;
  patient_id: string;
  rules_version: number;
  changed_at: Timestamp;
  actor_kind: string;
  actor_id: string;
  change: string;
  detail: Json<Record<string, unknown>>;
}

export interface PresenceCodeTable {
  code_hash: string;
  patient_id: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  used_at: Date | null;
  used_by: string | null;
}

export interface PresenceGrantTable {
  id: SerialId;
  patient_id: string;
  professional_id: string;
  organization_id: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
}

export type PresenceAttemptOutcome = "granted" | "bad-code" | "locked-out";

export interface PresenceAttemptTable {
  id: SerialId;
  patient_id: string;
  professional_id: string;
  attempted_at: Timestamp;
  outcome: PresenceAttemptOutcome;
}

export interface PresenceLockoutTable {
  professional_id: string;
  /** '' locks the professional out for every patient. */
  patient_id: string;
  locked_until: Timestamp;
}

export interface EmergencyAccessTable {
  id: SerialId;
  patient_id: string;
  professional_id: string;
  organization_id: string | null;
  action: string;
  accessed_at: Timestamp;
}

export interface ConsentDatabase {
  patient_rules: PatientRulesTable;
  trust_circle_member: ProfessionalListTable;
  blacklist_member: ProfessionalListTable;
  masked_document: MaskedDocumentTable;
  representative: RepresentativeTable;
  consent_change: ConsentChangeTable;
  presence_code: PresenceCodeTable;
  presence_grant: PresenceGrantTable;
  presence_attempt: PresenceAttemptTable;
  presence_lockout: PresenceLockoutTable;
  emergency_access: EmergencyAccessTable;
}
