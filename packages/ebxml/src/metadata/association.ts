import { ASSOCIATION_TYPE, CLASSIFICATION_SCHEME as CS, RIM_OBJECT_TYPE, SLOT } from "../vocabulary.js";
import type { Classification, RimAssociation, Slot } from "../rim/rim-types.js";
import { classificationFromCode, codeFromClassification, type Code } from "./code.js";
import { assign, compact, otherSlots, slot, slotValues, withExternal } from "./rim-access.js";

export type AssociationKind = (typeof KIND_BY_URN)[keyof typeof KIND_BY_URN];

const KIND_BY_URN = {
  [ASSOCIATION_TYPE.hasMember]: "HasMember",
  [ASSOCIATION_TYPE.replace]: "RPLC",
  [ASSOCIATION_TYPE.transform]: "XFRM",
  [ASSOCIATION_TYPE.append]: "APND",
  [ASSOCIATION_TYPE.transformAndReplace]: "XFRM_RPLC",
  [ASSOCIATION_TYPE.signs]: "signs",
  [ASSOCIATION_TYPE.updateAvailabilityStatus]: "UpdateAvailabilityStatus",
  [ASSOCIATION_TYPE.submitAssociation]: "SubmitAssociation",
  [ASSOCIATION_TYPE.isSnapshotOf]: "IsSnapshotOf",
} as const;

const URN_BY_KIND: Readonly<Record<AssociationKind, string>> = Object.fromEntries(
  Object.entries(KIND_BY_URN).map(([urn, kind]) => [kind, urn]),
) as Record<AssociationKind, string>;

/**
 * An XDS Association (ITI TF-3 4.2.2): membership (HasMember) or a relationship between documents
 * (RPLC, XFRM, APND, XFRM_RPLC, signs), or a metadata update (UpdateAvailabilityStatus, SubmitAssociation).
 */
export interface Association {
  readonly entryUuid: string;
  /** The type as understood; undefined when the associationType is none of the XDS ones. */
  readonly type?: AssociationKind;
  /** The associationType URN as received. */
  readonly associationType: string;
  readonly sourceUuid: string;
  readonly targetUuid: string;
  readonly availabilityStatus?: string;
  readonly homeCommunityId?: string;
  readonly logicalId?: string;
  readonly version?: string;
  /** HasMember from a submission set: Original (submitted here) or Reference (already registered). */
  readonly submissionSetStatus?: string;
  /** UpdateAvailabilityStatus and ITI-57 slots (ITI TF-3 4.2.2.1.9/3.57.4.1.3). */
  readonly previousVersion?: string;
  readonly originalStatus?: string;
  readonly newStatus?: string;
  readonly associationPropagation?: string;
  /** associationDocumentation classification (ITI TF-3 4.2.3.1.x). */
  readonly documentation?: Code;
  readonly extraSlots: readonly Slot[];
}

const SINGLE_SLOTS = [
  ["submissionSetStatus", SLOT.submissionSetStatus],
  ["previousVersion", SLOT.previousVersion],
  ["originalStatus", SLOT.originalStatus],
  ["newStatus", SLOT.newStatus],
  ["associationPropagation", SLOT.associationPropagation],
] as const;

const KNOWN_SLOTS: ReadonlySet<string> = new Set(SINGLE_SLOTS.map(([, name]) => name));

/** XDS association type for a URN; the unprefixed names of ebXML 2.1 senders are understood too. */
export function associationKindOf(associationType: string): AssociationKind | undefined {
  const known = (KIND_BY_URN as Readonly<Record<string, AssociationKind>>)[associationType];
  if (known) return known;
  return associationType in URN_BY_KIND ? (associationType as AssociationKind) : undefined;
}

export function associationTypeUrn(kind: AssociationKind): string {
  return URN_BY_KIND[kind];
}

export function associationFromRim(
  a: RimAssociation,
  external: ReadonlyMap<string, readonly Classification[]> = new Map(),
): Association {
  const view: { -readonly [K in keyof Association]: Association[K] } = {
    entryUuid: a.id,
    associationType: a.associationType,
    sourceUuid: a.sourceObject,
    targetUuid: a.targetObject,
    extraSlots: otherSlots(a.slots, KNOWN_SLOTS),
  };
  assign(view, "type", associationKindOf(a.associationType));
  assign(view, "availabilityStatus", a.status);
  assign(view, "homeCommunityId", a.home);
  assign(view, "logicalId", a.lid);
  assign(view, "version", a.versionInfo?.versionName);
  for (const [key, name] of SINGLE_SLOTS) assign(view, key, slotValues(a, name)?.[0]);
  const doc = withExternal(a, external, CS.associationDocumentation)[0];
  if (doc) view.documentation = codeFromClassification(doc);
  return view;
}

export function associationToRim(view: Association): RimAssociation {
  const a: { -readonly [K in keyof RimAssociation]: RimAssociation[K] } = {
    kind: "Association",
    id: view.entryUuid,
    objectType: RIM_OBJECT_TYPE.association,
    associationType: view.associationType,
    sourceObject: view.sourceUuid,
    targetObject: view.targetUuid,
    slots: compact<Slot>([...SINGLE_SLOTS.map(([key, name]) => slot(name, view[key])), ...view.extraSlots]),
    classifications: view.documentation
      ? [classificationFromCode(CS.associationDocumentation, view.entryUuid, view.documentation, "documentation")]
      : [],
    externalIdentifiers: [],
  };
  assign(a, "status", view.availabilityStatus);
  assign(a, "home", view.homeCommunityId);
  assign(a, "lid", view.logicalId);
  if (view.version !== undefined) a.versionInfo = { versionName: view.version };
  return a;
}
