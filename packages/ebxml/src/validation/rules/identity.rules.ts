import type { XdsErrorCode } from "../../vocabulary.js";
import { isUuidUrn } from "../formats.js";
import type { Problems } from "../../problems.js";
import { locationOf, type SubmissionModel } from "./submission-model.js";

/**
 * Identity rules: unique ids in the message (ebRIM 3.0 §2.5.1), well-formed entryUUIDs (ITI TF-3 4.2.3.1.6),
 * unique uniqueIds (ITI TF-3 4.2.4, XDS…DuplicateUniqueIdInMessage) and one patient per submission
 * (ITI TF-3 4.2.4 XDSPatientIdDoesNotMatch; ITI TF-2b 3.42.4.1.3.5).
 */
export function checkIdentity(model: SubmissionModel, f: Problems): void {
  checkIds(model, f);
  checkUniqueIds(model, f);
  checkPatientIds(model, f);
}

function checkIds(model: SubmissionModel, f: Problems): void {
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const o of model.allObjects) {
    if (o.id === "") continue;
    if (seen.has(o.id) && !reported.has(o.id)) {
      reported.add(o.id);
      f.error(locationOf(model, o.id), `id '${o.id}' is used by more than one object of the message (ebRIM 3.0 §2.5.1: ids are unique)`);
    }
    seen.add(o.id);
    // A urn:uuid id must be a real UUID; any other id is symbolic and replaced by the registry (ITI TF-3 4.2.3.1.6).
    if (o.id.toLowerCase().startsWith("urn:uuid:") && !isUuidUrn(o.id)) {
      f.error(locationOf(model, o.id), `${o.kind} id '${o.id}' starts with urn:uuid: but is not an RFC 4122 UUID (ITI TF-3 4.2.3.1.6)`);
    }
  }
}

function checkUniqueIds(model: SubmissionModel, f: Problems): void {
  const code: XdsErrorCode =
    model.transaction === "ITI-41" ? "XDSRepositoryDuplicateUniqueIdInMessage" : "XDSRegistryDuplicateUniqueIdInMessage";
  const md = model.metadata;
  const owners = new Map<string, string>();
  const all = [
    ...md.documentEntries.map((o) => ["XDSDocumentEntry", o.entryUuid, o.uniqueId] as const),
    ...md.submissionSets.map((o) => ["XDSSubmissionSet", o.entryUuid, o.uniqueId] as const),
    ...md.folders.map((o) => ["XDSFolder", o.entryUuid, o.uniqueId] as const),
  ];
  for (const [type, id, uniqueId] of all) {
    if (uniqueId === undefined || uniqueId === "") continue;
    const first = owners.get(uniqueId);
    if (first === undefined) owners.set(uniqueId, id);
    else f.error(locationOf(model, id), `${type}.uniqueId '${uniqueId}' is also the uniqueId of ${first} in this message (ITI TF-3 4.2.4)`, code);
  }
}

function checkPatientIds(model: SubmissionModel, f: Problems): void {
  const md = model.metadata;
  const ss = md.submissionSets[0];
  const expected = ss?.patientId;
  if (md.submissionSets.length !== 1 || ss === undefined || expected === undefined || expected === "") return;
  const members = [
    ...md.documentEntries.map((o) => ["XDSDocumentEntry", o.entryUuid, o.patientId] as const),
    ...md.folders.map((o) => ["XDSFolder", o.entryUuid, o.patientId] as const),
  ];
  for (const [type, id, patientId] of members) {
    if (patientId === undefined || patientId === "" || patientId === expected) continue;
    f.error(
      locationOf(model, id),
      `${type}.patientId '${patientId}' differs from XDSSubmissionSet.patientId '${expected}': a submission is about one patient (ITI TF-2b 3.42.4.1.3.5)`,
      "XDSPatientIdDoesNotMatch",
    );
  }
}
