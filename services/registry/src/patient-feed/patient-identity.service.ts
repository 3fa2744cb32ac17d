import { appendAuditRecord } from "@opendsp/platform";
import { failureOf, type RegistryAuditor } from "../audit/registry-audit-record.js";
import type { RegistryDeps } from "../registry-deps.js";
import {
  findPatient,
  insertPatientIfAbsent,
  markPatientMerged,
  reassignPatientEntries,
  touchPatient,
  type PatientRecord,
  type ReassignedCounts,
} from "../storage/patient.repository.js";

type Db = RegistryDeps["db"];
import type { MergeRequest } from "./iti-8-feed.command.js";

/**
 * The registry's patient identities, shared by the ITI-8 feed and the JSON admin API. Every change and its audit
 * row are written in one database transaction (outbox); a refusal writes a failure audit row and nothing else.
 * Callers check that ids are of the affinity domain first.
 */

/**
 * How a change of patient identity is recorded: as ITI-8 by the registry (ITI TF-2a 3.8.5.1), whether it came from
 * the feed or from the admin API. `feedAction` is the request's (create for A01/A04/A05, update for A08/A40); a
 * merge is always an update.
 */
export interface AuditContext {
  readonly auditor: RegistryAuditor;
  readonly feedAction?: "create" | "update" | undefined;
}

function feedActionOf(audit: AuditContext, result: "created" | "updated"): "create" | "update" {
  return audit.feedAction ?? (result === "created" ? "create" : "update");
}

export type { PatientRecord, ReassignedCounts };

/** The patient id's status: active, or merged with the surviving id; undefined when unknown. */
export function findPatientIdentity(db: Db, patientId: string): Promise<PatientRecord | undefined> {
  return findPatient(db, patientId);
}

export type RecordPatientResult =
  | { readonly ok: true; readonly result: "created" | "updated"; readonly patient: PatientRecord }
  | { readonly ok: false; readonly reason: "merged"; readonly mergedInto: string | null };

/**
 * Add or update (ITI TF-2a 3.8.4.1.3: A01/A04/A05 add the patient, A08 updates it; the registry only needs the id,
 * so both upsert). A merged id is refused unless `reactivateMerged`: a feed must not silently undo a merge (its
 * entries now live under the surviving id), while the admin API may re-activate an id on purpose.
 */
export async function recordPatientIdentity(
  db: Db,
  patientId: string,
  options: { readonly reactivateMerged: boolean; readonly audit: AuditContext },
): Promise<RecordPatientResult> {
  const { audit } = options;
  return db.transaction().execute(async (tx): Promise<RecordPatientResult> => {
    const existing = await findPatient(tx, patientId, "update");
    if (existing?.status === "merged" && !options.reactivateMerged) {
      await appendAuditRecord(
        tx,
        audit.auditor.record({
          transaction: "ITI-8",
          outcome: "serious-failure",
          patientIds: [patientId],
          feedAction: feedActionOf(audit, "updated"),
          failure: failureOf(["REG_PATIENT_MERGED"]),
        }),
      );
      return { ok: false, reason: "merged", mergedInto: existing.mergedInto };
    }
    let result: "created" | "updated";
    if (existing) {
      await touchPatient(tx, patientId, existing.status === "merged");
      result = "updated";
    } else {
      // A concurrent feed of the same new id may have inserted it since the read: then this one is an update.
      result = (await insertPatientIfAbsent(tx, patientId)) ? "created" : "updated";
    }
    await appendAuditRecord(
      tx,
      audit.auditor.record({ transaction: "ITI-8", outcome: "success", patientIds: [patientId], feedAction: feedActionOf(audit, result) }),
    );
    return { ok: true, result, patient: { patientId, status: "active", mergedInto: null } };
  });
}

export interface MergeOutcome {
  readonly survivingId: string;
  readonly subsumedId: string;
  /** The surviving id was unknown and was created by the merge. */
  readonly survivingCreated: boolean;
  /** The subsumed id was already merged into the surviving one (a repeated message): nothing left to move. */
  readonly alreadyMerged: boolean;
  readonly reassigned: ReassignedCounts;
}

export type MergeFailureReason =
  /** Surviving and subsumed ids are the same. */
  | "same-id"
  /** The subsumed id is not known to the registry. */
  | "unknown-subsumed"
  /** The subsumed id was merged into another patient before. */
  | "subsumed-merged-elsewhere"
  /** The surviving id was itself merged into another patient: merge into that one. */
  | "surviving-merged";

export type MergeResult =
  | { readonly ok: true; readonly outcomes: readonly MergeOutcome[] }
  | { readonly ok: false; readonly reason: MergeFailureReason; readonly merge: MergeRequest; readonly mergedInto?: string };

/** Thrown inside the merge transaction to roll back the pairs already merged when a later pair is refused. */
class MergeRefused extends Error {
  readonly failure: Extract<MergeResult, { ok: false }>;
  constructor(failure: Extract<MergeResult, { ok: false }>) {
    super(failure.reason);
    this.failure = failure;
  }
}

/**
 * Patient identity merge (ITI TF-2a 3.8.4.2.3, A40, as XDS registries apply it): for each pair, in one transaction
 * for the whole message,
 * 1. every DocumentEntry, SubmissionSet and Folder of the subsumed id is re-assigned to the surviving id (column and
 *    stored metadata), so queries by the surviving id find them;
 * 2. the subsumed id becomes `merged` with `merged_into` = surviving id: ITI-42 registrations and ITI-18 queries
 *    under it answer XDSUnknownPatientId, a later feed of it is refused;
 * 3. an unknown surviving id is created (the feed may announce it only through the merge).
 * Ids merged into the subsumed one earlier follow it to the surviving id. Repeating a merge is harmless.
 */
export async function mergePatients(db: Db, merges: readonly MergeRequest[], audit: AuditContext): Promise<MergeResult> {
  try {
    return await db.transaction().execute(async (tx): Promise<MergeResult> => {
      const outcomes: MergeOutcome[] = [];
      for (const merge of merges) {
        const { survivingId, subsumedId } = merge;
        if (survivingId === subsumedId) throw new MergeRefused({ ok: false, reason: "same-id", merge });
        // Lock both rows in a fixed order so two crossing merges cannot deadlock.
        const [first, second] = [survivingId, subsumedId].sort() as [string, string];
        const locked = new Map<string, PatientRecord | undefined>([
          [first, await findPatient(tx, first, "update")],
          [second, await findPatient(tx, second, "update")],
        ]);
        const subsumed = locked.get(subsumedId);
        const surviving = locked.get(survivingId);
        if (!subsumed) throw new MergeRefused({ ok: false, reason: "unknown-subsumed", merge });
        if (surviving?.status === "merged") {
          throw new MergeRefused({ ok: false, reason: "surviving-merged", merge, ...(surviving.mergedInto ? { mergedInto: surviving.mergedInto } : {}) });
        }
        const alreadyMerged = subsumed.status === "merged";
        if (alreadyMerged && subsumed.mergedInto !== survivingId) {
          throw new MergeRefused({ ok: false, reason: "subsumed-merged-elsewhere", merge, ...(subsumed.mergedInto ? { mergedInto: subsumed.mergedInto } : {}) });
        }
        const survivingCreated = surviving === undefined && (await insertPatientIfAbsent(tx, survivingId));
        const reassigned = await reassignPatientEntries(tx, subsumedId, survivingId);
        await markPatientMerged(tx, subsumedId, survivingId);
        // ITI TF-2a 3.8.5.1: a merge (A40) is an update naming both the surviving and the subsumed patient.
        await appendAuditRecord(
          tx,
          audit.auditor.record({ transaction: "ITI-8", outcome: "success", patientIds: [survivingId, subsumedId], feedAction: "update" }),
        );
        outcomes.push({ survivingId, subsumedId, survivingCreated, alreadyMerged, reassigned });
      }
      return { ok: true, outcomes };
    });
  } catch (err) {
    if (!(err instanceof MergeRefused)) throw err;
    const { failure } = err;
    await appendAuditRecord(
      db,
      audit.auditor.record({
        transaction: "ITI-8",
        outcome: "serious-failure",
        patientIds: [failure.merge.survivingId, failure.merge.subsumedId],
        feedAction: "update",
        failure: failureOf([`REG_MERGE_${failure.reason.toUpperCase().replaceAll("-", "_")}`]),
      }),
    );
    return failure;
  }
}
