import {
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME as CS,
  DOCUMENT_ENTRY_TYPE,
  IDENTIFICATION_SCHEME as IS,
  IDENTIFICATION_SCHEME_NAME,
  SLOT,
} from "../vocabulary.js";
import type { Classification, ExtrinsicObject, Slot } from "../rim/rim-types.js";
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

export type DocumentEntryType = "stable" | "on-demand";

/** XDSDocumentEntry (ITI TF-3 4.2.3.2): every attribute of the metadata model, values kept as received. */
export interface DocumentEntry {
  /** entryUUID: the ExtrinsicObject id (symbolic in a submission until the registry assigns a UUID). */
  readonly entryUuid: string;
  readonly logicalId?: string;
  readonly version?: string;
  readonly type: DocumentEntryType;
  /** The objectType attribute as received, when it is neither of the two DocumentEntry types. */
  readonly objectType?: string;
  readonly availabilityStatus?: string;
  readonly homeCommunityId?: string;
  readonly mimeType?: string;
  readonly title?: LocalizedText;
  readonly comments?: LocalizedText;
  readonly patientId?: string;
  readonly uniqueId?: string;
  readonly sourcePatientId?: string;
  readonly sourcePatientInfo: readonly string[];
  readonly authors: readonly Author[];
  readonly classCode?: Code;
  readonly confidentialityCodes: readonly Code[];
  readonly eventCodes: readonly Code[];
  readonly formatCode?: Code;
  readonly healthcareFacilityTypeCode?: Code;
  readonly practiceSettingCode?: Code;
  readonly typeCode?: Code;
  readonly creationTime?: string;
  readonly serviceStartTime?: string;
  readonly serviceStopTime?: string;
  readonly hash?: string;
  readonly size?: string;
  readonly repositoryUniqueId?: string;
  readonly languageCode?: string;
  readonly legalAuthenticator?: string;
  readonly uri?: string;
  readonly referenceIdList: readonly string[];
  readonly documentAvailability?: string;
  readonly limitedMetadata: boolean;
  /** Slots outside the model (extra metadata), in the order received. */
  readonly extraSlots: readonly Slot[];
}

const SINGLE_SLOTS = [
  ["creationTime", SLOT.creationTime],
  ["serviceStartTime", SLOT.serviceStartTime],
  ["serviceStopTime", SLOT.serviceStopTime],
  ["hash", SLOT.hash],
  ["size", SLOT.size],
  ["repositoryUniqueId", SLOT.repositoryUniqueId],
  ["languageCode", SLOT.languageCode],
  ["legalAuthenticator", SLOT.legalAuthenticator],
  ["sourcePatientId", SLOT.sourcePatientId],
  ["uri", SLOT.uri],
  ["documentAvailability", SLOT.documentAvailability],
] as const;

const KNOWN_SLOTS: ReadonlySet<string> = new Set([
  ...SINGLE_SLOTS.map(([, name]) => name),
  SLOT.sourcePatientInfo,
  SLOT.referenceIdList,
]);

const SINGLE_CODES = [
  ["classCode", CS.documentEntryClassCode],
  ["formatCode", CS.documentEntryFormatCode],
  ["healthcareFacilityTypeCode", CS.documentEntryHealthcareFacilityTypeCode],
  ["practiceSettingCode", CS.documentEntryPracticeSettingCode],
  ["typeCode", CS.documentEntryTypeCode],
] as const;

export function isDocumentEntry(o: { readonly kind: string }): o is ExtrinsicObject {
  return o.kind === "ExtrinsicObject";
}

export function documentEntryFromRim(
  eo: ExtrinsicObject,
  external: ReadonlyMap<string, readonly Classification[]> = new Map(),
): DocumentEntry {
  const de: { -readonly [K in keyof DocumentEntry]: DocumentEntry[K] } = {
    entryUuid: eo.id,
    type: eo.objectType === DOCUMENT_ENTRY_TYPE.onDemand ? "on-demand" : "stable",
    sourcePatientInfo: slotValues(eo, SLOT.sourcePatientInfo) ?? [],
    authors: withExternal(eo, external, CS.documentEntryAuthor).map(authorFromClassification),
    confidentialityCodes: withExternal(eo, external, CS.documentEntryConfidentialityCode).map(codeFromClassification),
    eventCodes: withExternal(eo, external, CS.documentEntryEventCodeList).map(codeFromClassification),
    referenceIdList: slotValues(eo, SLOT.referenceIdList) ?? [],
    limitedMetadata: hasClassificationNode(eo, CLASSIFICATION_NODE.documentEntryLimitedMetadata, external),
    extraSlots: otherSlots(eo.slots, KNOWN_SLOTS),
  };
  if (eo.objectType !== undefined && eo.objectType !== DOCUMENT_ENTRY_TYPE.stable && eo.objectType !== DOCUMENT_ENTRY_TYPE.onDemand) {
    de.objectType = eo.objectType;
  }
  assign(de, "logicalId", eo.lid);
  assign(de, "version", eo.versionInfo?.versionName);
  assign(de, "availabilityStatus", eo.status);
  assign(de, "homeCommunityId", eo.home);
  assign(de, "mimeType", eo.mimeType);
  assign(de, "title", firstText(eo.name));
  assign(de, "comments", firstText(eo.description));
  assign(de, "patientId", externalIdentifierValue(eo, IS.documentEntryPatientId));
  assign(de, "uniqueId", externalIdentifierValue(eo, IS.documentEntryUniqueId));
  for (const [key, name] of SINGLE_SLOTS) assign(de, key, slotValues(eo, name)?.[0]);
  for (const [key, scheme] of SINGLE_CODES) {
    const c = withExternal(eo, external, scheme)[0];
    if (c) de[key] = codeFromClassification(c);
  }
  return de;
}

export function documentEntryToRim(de: DocumentEntry): ExtrinsicObject {
  const id = de.entryUuid;
  const codes = (scheme: string, list: readonly Code[], role: string): Classification[] =>
    list.map((c, i) => classificationFromCode(scheme, id, c, `${role}:${i}`));
  const one = (scheme: string, c: Code | undefined, role: string): Classification[] =>
    c ? [classificationFromCode(scheme, id, c, role)] : [];
  const eo: { -readonly [K in keyof ExtrinsicObject]: ExtrinsicObject[K] } = {
    kind: "ExtrinsicObject",
    id,
    objectType: de.objectType ?? (de.type === "on-demand" ? DOCUMENT_ENTRY_TYPE.onDemand : DOCUMENT_ENTRY_TYPE.stable),
    slots: compact<Slot>([
      ...SINGLE_SLOTS.map(([key, name]) => slot(name, de[key])),
      de.sourcePatientInfo.length ? slot(SLOT.sourcePatientInfo, de.sourcePatientInfo) : undefined,
      de.referenceIdList.length ? slot(SLOT.referenceIdList, de.referenceIdList) : undefined,
      ...de.extraSlots,
    ]),
    classifications: [
      ...de.authors.map((a, i) => classificationFromAuthor(CS.documentEntryAuthor, id, a, `author:${i}`)),
      ...one(CS.documentEntryClassCode, de.classCode, "classCode"),
      ...codes(CS.documentEntryConfidentialityCode, de.confidentialityCodes, "confidentialityCode"),
      ...codes(CS.documentEntryEventCodeList, de.eventCodes, "eventCode"),
      ...one(CS.documentEntryFormatCode, de.formatCode, "formatCode"),
      ...one(CS.documentEntryHealthcareFacilityTypeCode, de.healthcareFacilityTypeCode, "healthcareFacilityTypeCode"),
      ...one(CS.documentEntryPracticeSettingCode, de.practiceSettingCode, "practiceSettingCode"),
      ...one(CS.documentEntryTypeCode, de.typeCode, "typeCode"),
      ...(de.limitedMetadata ? [makeNodeClassification(id, CLASSIFICATION_NODE.documentEntryLimitedMetadata)] : []),
    ],
    externalIdentifiers: compact([
      de.patientId === undefined
        ? undefined
        : makeExternalIdentifier(id, IS.documentEntryPatientId, de.patientId, IDENTIFICATION_SCHEME_NAME[IS.documentEntryPatientId]),
      de.uniqueId === undefined
        ? undefined
        : makeExternalIdentifier(id, IS.documentEntryUniqueId, de.uniqueId, IDENTIFICATION_SCHEME_NAME[IS.documentEntryUniqueId]),
    ]),
  };
  assign(eo, "lid", de.logicalId);
  assign(eo, "status", de.availabilityStatus);
  assign(eo, "home", de.homeCommunityId);
  assign(eo, "mimeType", de.mimeType);
  assign(eo, "name", text(de.title));
  assign(eo, "description", text(de.comments));
  if (de.version !== undefined) eo.versionInfo = { versionName: de.version };
  return eo;
}

/** A DocumentEntry with its lists empty and nothing else set: the start of one built attribute by attribute. */
export function emptyDocumentEntry(entryUuid: string, overrides: Partial<DocumentEntry> = {}): DocumentEntry {
  return {
    entryUuid,
    type: "stable",
    sourcePatientInfo: [],
    authors: [],
    confidentialityCodes: [],
    eventCodes: [],
    referenceIdList: [],
    limitedMetadata: false,
    extraSlots: [],
    ...overrides,
  };
}
