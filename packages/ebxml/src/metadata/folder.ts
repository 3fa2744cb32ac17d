import {
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME as CS,
  IDENTIFICATION_SCHEME as IS,
  IDENTIFICATION_SCHEME_NAME,
  RIM_OBJECT_TYPE,
  SLOT,
} from "../vocabulary.js";
import type { Classification, RegistryPackage, Slot } from "../rim/rim-types.js";
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

/** XDSFolder (ITI TF-3 4.2.3.4). */
export interface Folder {
  readonly entryUuid: string;
  readonly logicalId?: string;
  readonly version?: string;
  readonly availabilityStatus?: string;
  readonly homeCommunityId?: string;
  readonly title?: LocalizedText;
  readonly comments?: LocalizedText;
  readonly patientId?: string;
  readonly uniqueId?: string;
  readonly codeList: readonly Code[];
  readonly lastUpdateTime?: string;
  readonly limitedMetadata: boolean;
  readonly extraSlots: readonly Slot[];
}

const KNOWN_SLOTS: ReadonlySet<string> = new Set([SLOT.lastUpdateTime]);

export function isFolderPackage(p: RegistryPackage, external: ReadonlyMap<string, readonly Classification[]>): boolean {
  return hasClassificationNode(p, CLASSIFICATION_NODE.folder, external);
}

export function folderFromRim(p: RegistryPackage, external: ReadonlyMap<string, readonly Classification[]> = new Map()): Folder {
  const f: { -readonly [K in keyof Folder]: Folder[K] } = {
    entryUuid: p.id,
    codeList: withExternal(p, external, CS.folderCodeList).map(codeFromClassification),
    limitedMetadata: hasClassificationNode(p, CLASSIFICATION_NODE.folderLimitedMetadata, external),
    extraSlots: otherSlots(p.slots, KNOWN_SLOTS),
  };
  assign(f, "logicalId", p.lid);
  assign(f, "version", p.versionInfo?.versionName);
  assign(f, "availabilityStatus", p.status);
  assign(f, "homeCommunityId", p.home);
  assign(f, "title", firstText(p.name));
  assign(f, "comments", firstText(p.description));
  assign(f, "patientId", externalIdentifierValue(p, IS.folderPatientId));
  assign(f, "uniqueId", externalIdentifierValue(p, IS.folderUniqueId));
  assign(f, "lastUpdateTime", slotValues(p, SLOT.lastUpdateTime)?.[0]);
  return f;
}

export function folderToRim(f: Folder): RegistryPackage {
  const id = f.entryUuid;
  const ei = (scheme: string, value: string | undefined) =>
    value === undefined ? undefined : makeExternalIdentifier(id, scheme, value, IDENTIFICATION_SCHEME_NAME[scheme]);
  const p: { -readonly [K in keyof RegistryPackage]: RegistryPackage[K] } = {
    kind: "RegistryPackage",
    id,
    objectType: RIM_OBJECT_TYPE.registryPackage,
    slots: compact<Slot>([slot(SLOT.lastUpdateTime, f.lastUpdateTime), ...f.extraSlots]),
    classifications: [
      makeNodeClassification(id, CLASSIFICATION_NODE.folder),
      ...f.codeList.map((c, i) => classificationFromCode(CS.folderCodeList, id, c, `codeList:${i}`)),
      ...(f.limitedMetadata ? [makeNodeClassification(id, CLASSIFICATION_NODE.folderLimitedMetadata)] : []),
    ],
    externalIdentifiers: compact([ei(IS.folderUniqueId, f.uniqueId), ei(IS.folderPatientId, f.patientId)]),
  };
  assign(p, "lid", f.logicalId);
  assign(p, "status", f.availabilityStatus);
  assign(p, "home", f.homeCommunityId);
  assign(p, "name", text(f.title));
  assign(p, "description", text(f.comments));
  if (f.version !== undefined) p.versionInfo = { versionName: f.version };
  return p;
}
