import {
  ASSOCIATION_TYPE,
  OBJECT_STATUS,
  Problems,
  hasErrors,
  type Association,
  type XdsMetadata,
} from "@opendsp/ebxml";
import type { Transaction } from "kysely";
import { randomUUID } from "node:crypto";
import type { RegistryDatabase } from "../../storage/registry-database.js";
import {
  findFoldersOfDocument,
  findRegisteredObjects,
  lookUpRegistration,
  type RegisteredObject,
  type RegistrationLookup,
  type UniqueIdUses,
} from "../../storage/registry-lookup.repository.js";
import type { SubmissionToStore } from "../../storage/submission.repository.js";

/** What a valid submission changes beyond its own rows. */
export interface RegistrationPlan {
  readonly store: SubmissionToStore;
  /** Registered documents replaced by RPLC / XFRM_RPLC: they become Deprecated (ITI TF-3 4.2.2.2.1). */
  readonly deprecate: readonly string[];
  /** Registered folders that get a new member: their lastUpdateTime changes (ITI TF-3 4.2.3.4.4). */
  readonly touchFolders: readonly string[];
}

const REPLACING = new Set<string>([ASSOCIATION_TYPE.replace, ASSOCIATION_TYPE.transformAndReplace]);
const DOCUMENT_RELATIONSHIPS = new Set<string>([
  ASSOCIATION_TYPE.replace,
  ASSOCIATION_TYPE.transformAndReplace,
  ASSOCIATION_TYPE.transform,
  ASSOCIATION_TYPE.append,
  ASSOCIATION_TYPE.signs,
]);

/** The ids a registration's checks look up. */
export interface RegistrationIds {
  readonly patientId: string;
  readonly documentUniqueIds: readonly string[];
  readonly packageUniqueIds: readonly string[];
  /** entryUUIDs the sender chose: they may collide with registered objects (the ones assigned now cannot). */
  readonly own: readonly string[];
  /** Objects the associations refer to that are not in the submission. */
  readonly referenced: readonly string[];
}

/** What the checks know of the registry's state. */
export interface RegistryStateForRegistration {
  readonly lookup: RegistrationLookup;
  readonly found: ReadonlyMap<string, RegisteredObject>;
  readonly foldersOf: (documentUuid: string) => Promise<string[]>;
}

export function registrationIds(md: XdsMetadata, newlyAssigned: ReadonlySet<string>): RegistrationIds {
  const ss = md.submissionSets[0];
  if (!ss) throw new Error("a registration needs a validated submission with one SubmissionSet");
  const inMessage = new Set([...md.submissionSets, ...md.documentEntries, ...md.folders, ...md.associations].map((o) => o.entryUuid));
  return {
    patientId: ss.patientId ?? "",
    documentUniqueIds: md.documentEntries.flatMap((d) => (d.uniqueId ? [d.uniqueId] : [])),
    packageUniqueIds: [...md.submissionSets, ...md.folders].flatMap((p) => (p.uniqueId ? [p.uniqueId] : [])),
    own: [...inMessage].filter((id) => !newlyAssigned.has(id)),
    referenced: md.associations.flatMap((a) => [a.sourceUuid, a.targetUuid]).filter((id) => !inMessage.has(id)),
  };
}

/**
 * The checks of ITI TF-2b 3.42.4.1.3 that need the registry's state, run inside the registration transaction:
 * known patient, uniqueIds not taken, references that resolve to objects of the same patient, replaced documents
 * still Approved. Problems go to `problems`; the plan is only applied when there are none.
 */
export async function planRegistration(
  tx: Transaction<RegistryDatabase>,
  md: XdsMetadata,
  problems: Problems,
  lastUpdateTime: string,
  newlyAssigned: ReadonlySet<string>,
): Promise<RegistrationPlan> {
  const ids = registrationIds(md, newlyAssigned);
  // ITI TF-2b 3.42.4.1.3.5: the patient must be known to the registry through the identity feed. The share lock
  // makes a merge of this patient wait until the registration is committed (or the other way round). One round trip
  // for the patient, the uniqueId locks and the uniqueIds' registered uses.
  const lookup = await lookUpRegistration(tx, ids.patientId, ids.documentUniqueIds, ids.packageUniqueIds);
  // Own ids and the registered objects the associations refer to, in one round trip.
  const found = await findRegisteredObjects(tx, [...ids.own, ...ids.referenced]);
  const foldersOf = (documentUuid: string): Promise<string[]> => findFoldersOfDocument(tx, documentUuid, ASSOCIATION_TYPE.hasMember);
  return evaluateRegistration(md, ids, { lookup, found, foldersOf }, problems, lastUpdateTime);
}

/** The registry's state in which nothing refuses a submission that refers to no registered object. */
const CLEAR_STATE: RegistryStateForRegistration = {
  lookup: { patient: { status: "active", mergedInto: null }, uses: { documents: [], packages: new Set() } },
  found: new Map(),
  foldersOf: () => Promise.resolve([]),
};

/**
 * The plan of a submission that refers to no registered object, on the assumption that the registry's state
 * refuses none of it (active patient, uniqueIds and entryUUIDs free): register_rows_if_clear checks that assumption
 * and writes in one round trip. Undefined when the submission refers to registered objects or is refused by itself.
 */
export async function planAssumingClearState(
  md: XdsMetadata,
  lastUpdateTime: string,
  newlyAssigned: ReadonlySet<string>,
): Promise<{ plan: RegistrationPlan; ids: RegistrationIds } | undefined> {
  const ids = registrationIds(md, newlyAssigned);
  if (ids.referenced.length > 0) return undefined;
  const problems = new Problems("XDSRegistryMetadataError");
  const plan = await evaluateRegistration(md, ids, CLEAR_STATE, problems, lastUpdateTime);
  return hasErrors(problems.list) ? undefined : { plan, ids };
}

async function evaluateRegistration(
  md: XdsMetadata,
  ids: RegistrationIds,
  state: RegistryStateForRegistration,
  problems: Problems,
  lastUpdateTime: string,
): Promise<RegistrationPlan> {
  const ss = md.submissionSets[0];
  if (!ss) throw new Error("a registration needs a validated submission with one SubmissionSet");
  const { patientId, own, referenced } = ids;
  const { lookup, found } = state;
  const where = (o: { entryUuid: string; uniqueId?: string | undefined }): string =>
    o.uniqueId ? `${o.entryUuid} (${o.uniqueId})` : o.entryUuid;
  const patient = lookup.patient;
  if (!patient) {
    problems.error(where(ss), `patient ${patientId} is not known to the registry (no identity feed received for it)`, "XDSUnknownPatientId");
  } else if (patient.status === "merged") {
    problems.error(where(ss), `patient ${patientId} was merged into another identifier; submit under the surviving one`, "XDSUnknownPatientId");
  }

  if (lookup.patient) checkUniqueIds(md, lookup.uses, problems, where);

  const inMessage = new Set([...md.submissionSets, ...md.documentEntries, ...md.folders, ...md.associations].map((o) => o.entryUuid));
  for (const id of own) {
    const o = found.get(id);
    if (o) problems.error(o.entryUuid, `entryUUID ${o.entryUuid} is already used by a registered ${o.kind}`);
  }
  const registered = new Map<string, RegisteredObject>();
  for (const id of referenced) {
    const o = found.get(id);
    if (o) registered.set(id, o);
  }
  const kindOf = (id: string): RegisteredObject["kind"] | undefined => {
    if (md.documentEntries.some((d) => d.entryUuid === id)) return "DocumentEntry";
    if (md.folders.some((f) => f.entryUuid === id)) return "Folder";
    if (md.submissionSets.some((s) => s.entryUuid === id)) return "SubmissionSet";
    if (md.associations.some((a) => a.entryUuid === id)) return "Association";
    return registered.get(id)?.kind;
  };

  const deprecate: string[] = [];
  const touch = new Set<string>();
  const extraAssociations: Association[] = [];
  for (const a of md.associations) {
    for (const end of [a.sourceUuid, a.targetUuid]) {
      if (inMessage.has(end)) continue;
      const obj = registered.get(end);
      if (!obj) {
        problems.error(a.entryUuid, `association refers to ${end}, which is neither in the submission nor in the registry`, "UnresolvedReferenceException");
      } else if (obj.patientId !== null && obj.patientId !== patientId) {
        // ITI TF-2b 3.42.4.1.3.5: every object a submission links to belongs to the submission's patient.
        problems.error(a.entryUuid, `association links ${end}, registered for another patient`, "XDSPatientIdDoesNotMatch");
      }
    }
    const target = registered.get(a.targetUuid);
    if (DOCUMENT_RELATIONSHIPS.has(a.associationType)) {
      if (kindOf(a.targetUuid) !== undefined && kindOf(a.targetUuid) !== "DocumentEntry") {
        problems.error(a.entryUuid, `the target ${a.targetUuid} of a ${short(a)} association is not a DocumentEntry`);
      } else if (target && a.associationType !== ASSOCIATION_TYPE.signs && target.status === OBJECT_STATUS.deprecated) {
        problems.error(a.entryUuid, `${short(a)} of ${a.targetUuid}, which is Deprecated`, "XDSRegistryDeprecatedDocumentError");
      }
    }
    if (REPLACING.has(a.associationType)) {
      if (!target) {
        if (inMessage.has(a.targetUuid)) problems.error(a.entryUuid, `${short(a)} must replace a registered document, not one of this submission`);
      } else if (deprecate.includes(target.entryUuid)) {
        problems.error(a.entryUuid, `${a.targetUuid} is replaced twice in this submission`);
      } else {
        deprecate.push(target.entryUuid);
        // ITI TF-3 4.2.2.2.1: the replacement joins the folders the original belonged to.
        for (const folder of await state.foldersOf(target.entryUuid)) {
          touch.add(folder);
          extraAssociations.push(hasMember(folder, a.sourceUuid));
        }
      }
    }
    if (a.associationType === ASSOCIATION_TYPE.hasMember && kindOf(a.sourceUuid) === "Folder" && registered.has(a.sourceUuid)) {
      touch.add(a.sourceUuid);
    }
  }

  const approved = <T extends { availabilityStatus?: string }>(o: T): T => ({ ...o, availabilityStatus: OBJECT_STATUS.approved });
  return {
    store: {
      submissionSet: approved(ss),
      documentEntries: md.documentEntries.map(approved),
      folders: md.folders.map((f) => ({ ...approved(f), lastUpdateTime })),
      associations: [...md.associations.map(approved), ...extraAssociations],
    },
    deprecate,
    touchFolders: [...touch],
  };
}

/** XDSDuplicateUniqueIdInRegistry (ITI TF-2b 3.42.4.1.3.3): a taken uniqueId, or a document's with another hash. */
function checkUniqueIds(
  md: XdsMetadata,
  uses: UniqueIdUses,
  problems: Problems,
  where: (o: { entryUuid: string; uniqueId?: string | undefined }) => string,
): void {
  for (const d of md.documentEntries) {
    const other = uses.documents.find((e) => e.uniqueId === d.uniqueId && (e.hash ?? "") !== (d.hash ?? "").toLowerCase());
    if (other) {
      problems.error(where(d), `uniqueId ${d.uniqueId} is registered for a document with another hash`, "XDSDuplicateUniqueIdInRegistry");
    }
  }
  for (const p of [...md.submissionSets, ...md.folders]) {
    if (p.uniqueId && uses.packages.has(p.uniqueId)) {
      problems.error(where(p), `uniqueId ${p.uniqueId} is already registered`, "XDSDuplicateUniqueIdInRegistry");
    }
  }
}

function hasMember(source: string, target: string): Association {
  return {
    entryUuid: `urn:uuid:${randomUUID()}`,
    type: "HasMember",
    associationType: ASSOCIATION_TYPE.hasMember,
    sourceUuid: source,
    targetUuid: target,
    availabilityStatus: OBJECT_STATUS.approved,
    extraSlots: [],
  };
}

function short(a: Association): string {
  return a.type ?? a.associationType;
}
