import type { Problems } from "../problems.js";
import type { Classification, ExternalIdentifier, Identifiable, ObjectRef, RegistryObject, RegistryPackage } from "../rim/rim-types.js";
import { IDENTIFICATION_SCHEME } from "../vocabulary.js";
import { associationFromRim, associationToRim, type Association } from "./association.js";
import { documentEntryFromRim, documentEntryToRim, type DocumentEntry } from "./document-entry.js";
import { folderFromRim, folderToRim, isFolderPackage, type Folder } from "./folder.js";
import { isSubmissionSetPackage, submissionSetFromRim, submissionSetToRim, type SubmissionSet } from "./submission-set.js";

/** The XDS view of a RegistryObjectList: what a submission carries or a LeafClass query returns. */
export interface XdsMetadata {
  readonly submissionSets: readonly SubmissionSet[];
  readonly documentEntries: readonly DocumentEntry[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
  /** ObjectRefs of an ObjectRef query response or of a submission referencing registered objects. */
  readonly objectRefs: readonly ObjectRef[];
}

export const EMPTY_METADATA: XdsMetadata = {
  submissionSets: [],
  documentEntries: [],
  folders: [],
  associations: [],
  objectRefs: [],
};

/**
 * Turns the wire objects into XDS views. Classifications and ExternalIdentifiers may stand at the top level of
 * the list (the usual way to mark a RegistryPackage as SubmissionSet, ITI TF-3 4.2.1.3); they are joined to the
 * object they name first. Objects that are no XDS object are reported in `ctx` when given.
 */
export function xdsMetadataFromRim(objects: readonly Identifiable[], ctx?: Problems): XdsMetadata {
  const topClassifications = new Map<string, Classification[]>();
  const topIdentifiers = new Map<string, ExternalIdentifier[]>();
  const owners = new Set<string>();
  for (const o of objects) {
    if (o.kind === "Classification") push(topClassifications, o.classifiedObject, o);
    else if (o.kind === "ExternalIdentifier") push(topIdentifiers, o.registryObject, o);
    else owners.add(o.id);
  }
  for (const [target, list] of [...topClassifications, ...topIdentifiers]) {
    if (!owners.has(target)) {
      for (const o of list) {
        ctx?.error(o.id, `${o.kind} ${o.id} refers to ${target}, which is not in the message`, "UnresolvedReferenceException");
      }
    }
  }
  const joined = (o: RegistryObject): RegistryObject => {
    const cs = topClassifications.get(o.id);
    const eis = topIdentifiers.get(o.id);
    if (!cs && !eis) return o;
    return {
      ...o,
      classifications: cs ? [...o.classifications, ...cs] : o.classifications,
      externalIdentifiers: eis ? [...o.externalIdentifiers, ...eis] : o.externalIdentifiers,
    };
  };

  const md = {
    submissionSets: [] as SubmissionSet[],
    documentEntries: [] as DocumentEntry[],
    folders: [] as Folder[],
    associations: [] as Association[],
    objectRefs: [] as ObjectRef[],
  };
  const none = new Map<string, readonly Classification[]>();
  for (const o of objects) {
    switch (o.kind) {
      case "ExtrinsicObject":
        md.documentEntries.push(documentEntryFromRim(joined(o) as typeof o, none));
        break;
      case "RegistryPackage": {
        const p = joined(o) as typeof o;
        let isSs = isSubmissionSetPackage(p, none);
        let isFolder = isFolderPackage(p, none);
        if (!isSs && !isFolder) {
          // Some senders leave out the classification node (ITI TF-3 4.2.1.3) but identify the package by its
          // XDSSubmissionSet.* or XDSFolder.* external identifiers; the package is read as that, with a warning.
          isSs = hasIdentifierOf(p, SUBMISSION_SET_SCHEMES);
          isFolder = hasIdentifierOf(p, FOLDER_SCHEMES);
          if (isSs !== isFolder) {
            ctx?.warning(o.id, `RegistryPackage has no ${isSs ? "SubmissionSet" : "Folder"} classification node; read as one from its external identifiers`);
          }
        }
        if (isSs && isFolder) ctx?.error(o.id, "a RegistryPackage cannot be both a SubmissionSet and a Folder");
        else if (isSs) md.submissionSets.push(submissionSetFromRim(p, none));
        else if (isFolder) md.folders.push(folderFromRim(p, none));
        else ctx?.error(o.id, "RegistryPackage is classified neither as SubmissionSet nor as Folder");
        break;
      }
      case "Association":
        md.associations.push(associationFromRim(joined(o) as typeof o, none));
        break;
      case "ObjectRef":
        md.objectRefs.push(o);
        break;
      case "Classification":
      case "ExternalIdentifier":
        break;
    }
  }
  return md;
}

/** Wire objects for the views: submission sets, folders, document entries, associations, then ObjectRefs. */
export function xdsMetadataToRim(md: XdsMetadata): Identifiable[] {
  return [
    ...md.submissionSets.map(submissionSetToRim),
    ...md.folders.map(folderToRim),
    ...md.documentEntries.map(documentEntryToRim),
    ...md.associations.map(associationToRim),
    ...md.objectRefs,
  ];
}

const SUBMISSION_SET_SCHEMES: ReadonlySet<string> = new Set([
  IDENTIFICATION_SCHEME.submissionSetUniqueId,
  IDENTIFICATION_SCHEME.submissionSetPatientId,
  IDENTIFICATION_SCHEME.submissionSetSourceId,
]);
const FOLDER_SCHEMES: ReadonlySet<string> = new Set([IDENTIFICATION_SCHEME.folderUniqueId, IDENTIFICATION_SCHEME.folderPatientId]);

function hasIdentifierOf(p: RegistryPackage, schemes: ReadonlySet<string>): boolean {
  return p.externalIdentifiers.some((e) => schemes.has(e.identificationScheme));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
