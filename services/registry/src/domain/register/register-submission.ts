import {
  OBJECT_STATUS,
  Problems,
  checkAffinityDomainCodes,
  checkPatientAssigningAuthority,
  hasErrors,
  registryResponseOf,
  validateSubmission,
  type RegistryResponse,
  type SubmitObjectsRequest,
  type XdsError,
  type XdsMetadata,
} from "@opendsp/ebxml";
import { appendAuditRecord, auditOutboxRow, auditRecordInsert, type Logger } from "@opendsp/platform";
import type { AuditRecord } from "@opendsp/atna";
import { failureOf, type RegistryAuditor } from "../../audit/registry-audit-record.js";
import { dtmKey } from "../../storage/dtm-key.js";
import type { Compilable, Kysely } from "kysely";
import type { RegistryDatabase } from "../../storage/registry-database.js";
import { documentStatusUpdate, folderTouchUpdate, registerIfClear } from "../../storage/registry-lookup.repository.js";
import { addSubmissionRows, emptyRows, registrationRowsJson, rowInserts, runAsOneStatement, type SubmissionRows } from "../../storage/submission.repository.js";
import type { RegistryDeps } from "../../registry-deps.js";
import { assignEntryUuids } from "./assign-entry-uuids.js";
import { planAssumingClearState, planRegistration, type RegistrationPlan } from "./plan-registration.js";
import { dtmNow } from "./registration-time.js";

/** Thrown inside the transaction to roll it back when the registry's state refuses the submission. */
class Refused extends Error {}

/**
 * ITI-42 Register Document Set-b (ITI TF-2b 3.42.4.1.3): every metadata rule first (all errors at once), then the
 * checks against the registry's state and the writes in one database transaction, so a refused or failed
 * submission leaves nothing behind. One audit row records the outcome either way.
 */
export async function registerSubmission(
  deps: RegistryDeps,
  request: SubmitObjectsRequest,
  auditor: RegistryAuditor,
  log: Logger,
): Promise<RegistryResponse> {
  const { metadata, errors } = validateSubmission(request, { transaction: "ITI-42" });
  const problems = new Problems("XDSRegistryMetadataError");
  problems.list.push(...errors);
  if (deps.codes) {
    checkAffinityDomainCodes(metadata, deps.codes, problems);
    const patientId = metadata.submissionSets[0]?.patientId;
    if (patientId && !checkPatientAssigningAuthority(patientId, deps.codes)) {
      problems.error(metadata.submissionSets[0]?.entryUuid ?? "SubmissionSet", `the patient id is not issued by an assigning authority of this affinity domain`, "XDSUnknownPatientId");
    }
  }
  const patientId = metadata.submissionSets[0]?.patientId;
  if (hasErrors(problems.list)) return refuseRegistration(deps, problems.list, patientId, auditor, log);

  const { metadata: withUuids, assigned } = assignEntryUuids(metadata);
  const newlyAssigned = new Set(assigned.values());
  const now = dtmNow();
  try {
    const response = (await registerAtOnce(deps, withUuids, newlyAssigned, now, auditor, log))
      ? registryResponseOf(problems.list)
      : await deps.db.transaction().execute(async (tx) => {
          const plan = await planRegistration(tx, withUuids, problems, now, newlyAssigned);
          if (hasErrors(problems.list)) throw new Refused();
          // Rows, deprecations, folder updates and the audit row travel as one statement (one round trip).
          await runAsOneStatement(tx, [
            ...registrationWrites(tx, plan, auditor),
            ...(plan.deprecate.length ? [documentStatusUpdate(tx, plan.deprecate, OBJECT_STATUS.deprecated)] : []),
            ...(plan.touchFolders.length ? [folderTouchUpdate(tx, plan.touchFolders, now, dtmKey(now) ?? now)] : []),
          ]);
          log.debug({ documents: plan.store.documentEntries.length, folders: plan.store.folders.length, deprecated: plan.deprecate.length }, "ITI-42 registered");
          return registryResponseOf(problems.list);
        });
    await announceRegistration(deps, withUuids.submissionSets[0]?.entryUuid, log);
    return response;
  } catch (err) {
    if (err instanceof Refused) return refuseRegistration(deps, problems.list, patientId, auditor, log);
    if (isUniqueViolation(err)) {
      // Two registrations raced for the same submission set or folder uniqueId; the other one won.
      problems.error("SubmissionSet", "a uniqueId of this submission was registered concurrently", "XDSDuplicateUniqueIdInRegistry");
      return refuseRegistration(deps, problems.list, patientId, auditor, log);
    }
    log.error({ err }, "ITI-42 failed");
    problems.error("", "the registry could not store the submission; nothing was registered", "XDSRegistryError");
    return refuseRegistration(deps, problems.list, patientId, auditor, log);
  }
}

/**
 * Most submissions refer to no registered object: then only the patient, the uniqueIds and the sender's entryUUIDs
 * can refuse them, and register_rows_if_clear checks those and writes in one round trip instead of four (BEGIN,
 * lookups, writes, COMMIT). False when the submission needs the full registration: it refers to registered objects, is
 * refused by itself, or the registry's state refuses it (nothing was written; the full registration names why).
 */
async function registerAtOnce(
  deps: RegistryDeps,
  md: XdsMetadata,
  newlyAssigned: ReadonlySet<string>,
  now: string,
  auditor: RegistryAuditor,
  log: Logger,
): Promise<boolean> {
  const planned = await planAssumingClearState(md, now, newlyAssigned);
  if (!planned) return false;
  const { plan, ids } = planned;
  const registered = await registerIfClear(
    deps.db,
    {
      patientId: ids.patientId,
      documents: plan.store.documentEntries.flatMap((d) => (d.uniqueId === undefined ? [] : [{ uniqueId: d.uniqueId, hash: d.hash }])),
      packageUniqueIds: ids.packageUniqueIds,
      ownEntryUuids: ids.own,
    },
    registrationRowsJson(registrationRows(plan), auditOutboxRow(registrationAudit(plan, auditor))),
  );
  if (registered) log.debug({ documents: plan.store.documentEntries.length, folders: plan.store.folders.length }, "ITI-42 registered");
  return registered;
}

/** The inserts of a planned registration's rows and of its audit row, parents first. */
function registrationWrites(db: Kysely<RegistryDatabase>, plan: RegistrationPlan, auditor: RegistryAuditor): Compilable[] {
  return [...rowInserts(db, registrationRows(plan)), auditRecordInsert(db, registrationAudit(plan, auditor))];
}

function registrationRows(plan: RegistrationPlan): SubmissionRows {
  const rows = emptyRows();
  addSubmissionRows(rows, plan.store);
  return rows;
}

/** ITI TF-2b 3.42.5.1.2: the registry records the patient and the submission set; the entries are added for the access history. */
function registrationAudit(plan: RegistrationPlan, auditor: RegistryAuditor): AuditRecord {
  return auditor.record({
    transaction: "ITI-42",
    outcome: "success",
    patientIds: [plan.store.submissionSet.patientId],
    submissionSetUniqueId: plan.store.submissionSet.uniqueId,
    documents: plan.store.documentEntries.flatMap((d) => (d.uniqueId === undefined ? [] : [{ uniqueId: d.uniqueId }])),
  });
}

/** Answers Failure with every error and records the refusal (its own audit row, nothing else written). */
export async function refuseRegistration(
  deps: RegistryDeps,
  errors: readonly XdsError[],
  patientId: string | undefined,
  auditor: RegistryAuditor,
  log: Logger,
): Promise<RegistryResponse> {
  log.info({ errors: errors.length, codes: [...new Set(errors.map((e) => e.errorCode))] }, "ITI-42 refused");
  try {
    await appendAuditRecord(
      deps.db,
      auditor.record({ transaction: "ITI-42", outcome: "serious-failure", patientIds: [patientId], failure: failureOf(errors.map((e) => e.errorCode)) }),
    );
  } catch (err) {
    log.error({ err }, "ITI-42: the audit row of a refused submission could not be written");
  }
  return registryResponseOf(errors);
}

/** After the commit: what follows a registration (statistics) must not turn a committed submission into a failure. */
async function announceRegistration(deps: RegistryDeps, submissionSetUuid: string | undefined, log: Logger): Promise<void> {
  if (!deps.afterRegistration || submissionSetUuid === undefined) return;
  try {
    await deps.afterRegistration(submissionSetUuid);
  } catch (err) {
    log.warn({ err }, "ITI-42: the follow-up of a committed registration could not be queued; the periodic recount covers it");
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && (err).code === "23505";
}
