import {
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME as CS,
  IDENTIFICATION_SCHEME as IS,
  IDENTIFICATION_SCHEME_NAME,
  RIM_OBJECT_TYPE,
  SLOT,
} from "../vocabulary.js";
import type { Classification, RegistryPackage, Slot } from "../rim/rim-types.js";
import { authorFromClassification, classificationFromAuthor, type Author } from "./author.js";
import { classificationFromCode, codeFromClassification, type Code } from "./code.js";
import {
  assign,
  compact,
  externalIdentifierValue,
  firstText,
  hasClassificationNode,
  makeExternalIdentifier,
  makeNodeClassification,
  otherSlots,
  slot,
  slotValues,
  text,
  withExternal,
  type LocalizedText,
} from "./rim-access.js";

/** XDSSubmissionSet (ITI TF-3 4.2.3.3). */
export interface SubmissionSet {
  readonly entryUuid: string;
  readonly availabilityStatus?: string;
  readonly homeCommunityId?: string;
  readonly title?: LocalizedText;
  readonly comments?: LocalizedText;
  readonly patientId?: string;
  readonly uniqueId?: string;
  readonly sourceId?: string;
  readonly submissionTime?: string;
  readonly authors: readonly Author[];
  readonly contentTypeCode?: Code;
  readonly intendedRecipients: readonly string[];
  readonly limitedMetadata: boolean;
  readonly extraSlots: readonly Slot[];
}

const KNOWN_SLOTS: ReadonlySet<string> = new Set([SLOT.submissionTime, SLOT.intendedRecipient]);

export function isSubmissionSetPackage(p: RegistryPackage, external: ReadonlyMap<string, readonly Classification[]>): boolean {
  return hasClassificationNode(p, CLASSIFICATION_NODE.submissionSet, external);
}

export function submissionSetFromRim(
  p: RegistryPackage,
  external: ReadonlyMap<string, readonly Classification[]> = new Map(),
): SubmissionSet {
  const ss: { -readonly [K in keyof SubmissionSet]: SubmissionSet[K] } = {
    entryUuid: p.id,
    authors: withExternal(p, external, CS.submissionSetAuthor).map(authorFromClassification),
    intendedRecipients: slotValues(p, SLOT.intendedRecipient) ?? [],
    limitedMetadata: hasClassificationNode(p, CLASSIFICATION_NODE.submissionSetLimitedMetadata, external),
    extraSlots: otherSlots(p.slots, KNOWN_SLOTS),
  };
  assign(ss, "availabilityStatus", p.status);
  assign(ss, "homeCommunityId", p.home);
  assign(ss, "title", firstText(p.name));
  assign(ss, "comments", firstText(p.description));
  assign(ss, "patientId", externalIdentifierValue(p, IS.submissionSetPatientId));
  assign(ss, "uniqueId", externalIdentifierValue(p, IS.submissionSetUniqueId));
  assign(ss, "sourceId", externalIdentifierValue(p, IS.submissionSetSourceId));
  assign(ss, "submissionTime", slotValues(p, SLOT.submissionTime)?.[0]);
  const content = withExternal(p, external, CS.submissionSetContentTypeCode)[0];
  if (content) ss.contentTypeCode = codeFromClassification(content);
  return ss;
}

export function submissionSetToRim(ss: SubmissionSet): RegistryPackage {
  const id = ss.entryUuid;
  const ei = (scheme: string, value: string | undefined) =>
    value === undefined ? undefined : makeExternalIdentifier(id, scheme, value, IDENTIFICATION_SCHEME_NAME[scheme]);
  const p: { -readonly [K in keyof RegistryPackage]: RegistryPackage[K] } = {
    kind: "RegistryPackage",
    id,
    objectType: RIM_OBJECT_TYPE.registryPackage,
    slots: compact<Slot>([
      slot(SLOT.submissionTime, ss.submissionTime),
      ss.intendedRecipients.length ? slot(SLOT.intendedRecipient, ss.intendedRecipients) : undefined,
      ...ss.extraSlots,
    ]),
    classifications: [
      makeNodeClassification(id, CLASSIFICATION_NODE.submissionSet),
      ...ss.authors.map((a, i) => classificationFromAuthor(CS.submissionSetAuthor, id, a, `author:${i}`)),
      ...(ss.contentTypeCode ? [classificationFromCode(CS.submissionSetContentTypeCode, id, ss.contentTypeCode, "contentTypeCode")] : []),
      ...(ss.limitedMetadata ? [makeNodeClassification(id, CLASSIFICATION_NODE.submissionSetLimitedMetadata)] : []),
    ],
    externalIdentifiers: compact([
      ei(IS.submissionSetUniqueId, ss.uniqueId),
      ei(IS.submissionSetSourceId, ss.sourceId),
      ei(IS.submissionSetPatientId, ss.patientId),
    ]),
  };
  assign(p, "status", ss.availabilityStatus);
  assign(p, "home", ss.homeCommunityId);
  assign(p, "name", text(ss.title));
  assign(p, "description", text(ss.comments));
  return p;
}
