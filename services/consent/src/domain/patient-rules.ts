/** A patient's access rules as the decision reads them; storage/ loads them, decide-access.ts judges with them. */

export type RecordState = "open" | "closed" | "reopened";

export type RepresentativeRight = "read" | "manage";
export type RepresentativeRelation = "legal-representative" | "companion";

export interface Representative {
  readonly personId: string;
  readonly rights: readonly RepresentativeRight[];
  readonly relation: RepresentativeRelation | null;
}

export interface PresenceGrant {
  readonly professionalId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface PatientRules {
  readonly patientId: string;
  readonly recordState: RecordState;
  /** The patient refused break-the-glass access; default false (allowed). */
  readonly emergencyRefused: boolean;
  readonly referringDoctor: string | null;
  readonly trustCircle: readonly string[];
  readonly blacklist: readonly string[];
  readonly maskedDocumentUniqueIds: readonly string[];
  readonly representatives: readonly Representative[];
  /** Grants started by a presence code; expired ones may be included, the decision checks their end. */
  readonly presenceGrants: readonly PresenceGrant[];
  /** Increases with every change to the rules; 0 for a patient who never set any. */
  readonly rulesVersion: number;
}

/** The rules of a patient who never set any: an open record, emergency access allowed, nobody named. */
export function defaultRules(patientId: string): PatientRules {
  return {
    patientId,
    recordState: "open",
    emergencyRefused: false,
    referringDoctor: null,
    trustCircle: [],
    blacklist: [],
    maskedDocumentUniqueIds: [],
    representatives: [],
    presenceGrants: [],
    rulesVersion: 0,
  };
}
