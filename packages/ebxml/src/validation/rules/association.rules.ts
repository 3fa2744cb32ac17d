import { associationKindOf, associationTypeUrn, type AssociationKind } from "../../metadata/association.js";
import type { RimAssociation } from "../../rim/rim-types.js";
import { ASSOCIATION_TYPE, SLOT } from "../../vocabulary.js";
import { isUuidUrn } from "../formats.js";
import { checkSubmittedStatus, isGiven } from "./attribute-checks.js";
import type { Problems } from "../../problems.js";
import { locationOf, type SubmissionModel } from "./submission-model.js";

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(ASSOCIATION_TYPE));

/** Document relationships (ITI TF-3 4.2.2.2): their source is a DocumentEntry submitted in the same SubmissionSet. */
const RELATIONSHIPS: ReadonlySet<AssociationKind> = new Set(["RPLC", "XFRM", "APND", "XFRM_RPLC", "signs", "IsSnapshotOf"]);

/** Metadata update associations belong to ITI-57 (ITI TF-3 4.2.2.1.9 / ITI TF-2b 3.57), not to ITI-41 or ITI-42. */
const UPDATE_ONLY: ReadonlySet<AssociationKind> = new Set(["UpdateAvailabilityStatus", "SubmitAssociation"]);

const SUBMISSION_SET_STATUS: ReadonlySet<string> = new Set(["Original", "Reference"]);

/**
 * Association rules (ITI TF-3 4.2.2): known types, resolvable ends, SubmissionSet membership of every DocumentEntry
 * and Folder (ITI TF-3 4.1.4), SubmissionSetStatus on SubmissionSet-to-DocumentEntry HasMember (4.2.2.1.1), folder
 * membership (4.2.2.1.3) and the source of document relationships (4.2.2.2).
 */
export function checkAssociations(model: SubmissionModel, f: Problems): void {
  for (const a of model.associations) checkAssociation(model, a, f);
  checkMembership(model, f);
}

function checkAssociation(model: SubmissionModel, a: RimAssociation, f: Problems): void {
  const at = a.id;
  const kind = associationKindOf(a.associationType);
  if (!KNOWN_TYPES.has(a.associationType)) {
    if (kind) {
      // Senders that kept the ebXML 2.1 short name (seen from OpenHIM and older toolkits) mean the same type:
      // accepted with a warning, the registry stores the URN.
      f.warning(at, `associationType '${a.associationType}' is the ebXML 2.1 short name; ebRIM 3.0 requires ${associationTypeUrn(kind)} (ITI TF-3 4.2.2)`);
    } else {
      f.error(at, `associationType '${a.associationType}' is not an XDS association type (ITI TF-3 4.2.2)`);
    }
  }
  for (const [end, ref] of [["sourceObject", a.sourceObject], ["targetObject", a.targetObject]] as const) {
    if (!isGiven(ref)) {
      f.error(at, `Association ${end} is missing (ITI TF-3 4.2.2)`);
    } else if (ref.toLowerCase().startsWith("urn:uuid:")) {
      // A UUID not in the message names a registered object: the registry resolves it later.
      if (!isUuidUrn(ref)) f.error(at, `Association ${end} '${ref}' starts with urn:uuid: but is not an RFC 4122 UUID (ITI TF-3 4.2.3.1.6)`);
    } else if (!model.ids.has(ref)) {
      f.error(at, `Association ${end} '${ref}' is a symbolic id that names no object of the message (ITI TF-3 4.2.3.1.6)`, "UnresolvedReferenceException");
    }
  }
  const status = a.slots.find((s) => s.name === SLOT.submissionSetStatus)?.values[0];
  if (status !== undefined && !SUBMISSION_SET_STATUS.has(status)) {
    f.error(at, `SubmissionSetStatus '${status}' is neither Original nor Reference (ITI TF-3 4.2.2.1.1)`);
  }
  checkSubmittedStatus(f, at, "Association status", a.status);
  if (!kind) return;

  const source = model.kindById.get(a.sourceObject);
  const target = model.kindById.get(a.targetObject);
  if (UPDATE_ONLY.has(kind)) {
    f.error(at, `${kind} associations are part of Update Document Set (ITI-57), not of ${model.transaction} (ITI TF-3 4.2.2.1.9)`);
  } else if (kind === "HasMember") {
    checkHasMember(model, a, source, target, status, f);
  } else if (RELATIONSHIPS.has(kind) && source !== "DocumentEntry") {
    f.error(at, `the sourceObject '${a.sourceObject}' of a ${kind} association must be a DocumentEntry of this submission (ITI TF-3 4.2.2.2)`);
  } else if (RELATIONSHIPS.has(kind) && kind !== "signs" && target !== undefined && target !== "DocumentEntry") {
    f.error(at, `the targetObject '${a.targetObject}' of a ${kind} association must be a DocumentEntry, not a ${target} (ITI TF-3 4.2.2.2)`);
  }
}

function checkHasMember(
  model: SubmissionModel,
  a: RimAssociation,
  source: string | undefined,
  target: string | undefined,
  status: string | undefined,
  f: Problems,
): void {
  const at = a.id;
  if (source === "SubmissionSet") {
    if (target === "SubmissionSet") f.error(at, "a SubmissionSet cannot be a member of a SubmissionSet (ITI TF-3 4.2.2.1.1)");
    // SubmissionSet-to-DocumentEntry membership says whether the entry is new or already registered (ITI TF-3 4.2.2.1.1).
    if (target === "DocumentEntry" && status === undefined) {
      f.error(at, `HasMember from the SubmissionSet to DocumentEntry ${locationOf(model, a.targetObject)} has no SubmissionSetStatus slot (Original or Reference) (ITI TF-3 4.2.2.1.1)`);
    }
  } else if (source === "Folder") {
    if (target !== undefined && target !== "DocumentEntry") {
      f.error(at, `HasMember from Folder ${a.sourceObject} must target a DocumentEntry, not a ${target} (ITI TF-3 4.2.2.1.3)`);
    }
  } else if (source === "DocumentEntry" || source === "Association") {
    f.error(at, `a ${source} cannot be the sourceObject of a HasMember association (ITI TF-3 4.2.2.1)`);
  }
}

/**
 * Every DocumentEntry and Folder of the submission is a member of its SubmissionSet (ITI TF-3 4.1.4), and a
 * Folder-to-DocumentEntry HasMember made in the submission is itself a member of it (ITI TF-3 4.2.2.1.3).
 */
function checkMembership(model: SubmissionModel, f: Problems): void {
  const sets = new Set(model.metadata.submissionSets.map((s) => s.entryUuid));
  if (sets.size === 0) return;
  const members = new Set<string>();
  for (const a of model.associations) {
    if (isHasMember(a) && sets.has(a.sourceObject)) members.add(a.targetObject);
  }
  const need = [
    ...model.metadata.documentEntries.map((o) => ["XDSDocumentEntry", o.entryUuid] as const),
    ...model.metadata.folders.map((o) => ["XDSFolder", o.entryUuid] as const),
  ];
  for (const [type, id] of need) {
    if (!members.has(id)) {
      f.error(locationOf(model, id), `${type} is not a member of the SubmissionSet: no HasMember association from the SubmissionSet targets it (ITI TF-3 4.1.4)`);
    }
  }
  for (const a of model.associations) {
    if (!isHasMember(a) || sets.has(a.sourceObject) || members.has(a.id)) continue;
    f.error(a.id, `HasMember ${a.sourceObject} -> ${a.targetObject} is not itself a member of the SubmissionSet: add a HasMember from the SubmissionSet to association ${a.id} (ITI TF-3 4.2.2.1.3)`);
  }
}

function isHasMember(a: RimAssociation): boolean {
  return associationKindOf(a.associationType) === "HasMember";
}
