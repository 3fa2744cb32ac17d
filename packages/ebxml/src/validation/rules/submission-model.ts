import type { SubmitObjectsRequest } from "../../messages/submit-objects-request.js";
import { isFolderPackage } from "../../metadata/folder.js";
import { isSubmissionSetPackage } from "../../metadata/submission-set.js";
import type { XdsMetadata } from "../../metadata/xds-metadata.js";
import type {
  Classification,
  ExternalIdentifier,
  ExtrinsicObject,
  RegistryObject,
  RegistryObjectBase,
  RegistryPackage,
  RimAssociation,
} from "../../rim/rim-types.js";

export type Transaction = "ITI-41" | "ITI-42";

export type XdsObjectKind = "DocumentEntry" | "SubmissionSet" | "Folder" | "Association";

/**
 * A wire object with the Classifications and ExternalIdentifiers that name it from the top level of the list joined
 * in (both placements are legal, ITI TF-3 4.2.1.3), so cardinality is counted over both.
 */
export interface WireObject<T extends RegistryObjectBase = RegistryObjectBase> {
  readonly object: T;
  readonly classifications: readonly Classification[];
  readonly externalIdentifiers: readonly ExternalIdentifier[];
}

/** What every rule reads: the views, the joined wire objects, and indexes by id. */
export interface SubmissionModel {
  readonly transaction: Transaction;
  readonly metadata: XdsMetadata;
  readonly documentEntries: readonly WireObject<ExtrinsicObject>[];
  readonly submissionSets: readonly WireObject<RegistryPackage>[];
  readonly folders: readonly WireObject<RegistryPackage>[];
  readonly associations: readonly RimAssociation[];
  /** Every RegistryObject of the message, nested ones included, in document order. */
  readonly allObjects: readonly RegistryObject[];
  /** ids of the objects of the message (RegistryObjects and ObjectRefs): what a symbolic reference may name. */
  readonly ids: ReadonlySet<string>;
  readonly kindById: ReadonlyMap<string, XdsObjectKind>;
  /** Error location of each XDS object: its id, and its uniqueId when known (`Document01 (1.2.3)`). */
  readonly locationById: ReadonlyMap<string, string>;
}

export function buildSubmissionModel(request: SubmitObjectsRequest, metadata: XdsMetadata, transaction: Transaction): SubmissionModel {
  const topClassifications = new Map<string, Classification[]>();
  const topIdentifiers = new Map<string, ExternalIdentifier[]>();
  const allObjects: RegistryObject[] = [];
  const ids = new Set<string>();
  for (const o of request.objects) {
    ids.add(o.id);
    if (o.kind === "ObjectRef") continue;
    collect(o, allObjects);
    if (o.kind === "Classification") push(topClassifications, o.classifiedObject, o);
    else if (o.kind === "ExternalIdentifier") push(topIdentifiers, o.registryObject, o);
  }
  const join = <T extends RegistryObjectBase>(o: T): WireObject<T> => ({
    object: o,
    classifications: [...o.classifications, ...(topClassifications.get(o.id) ?? [])],
    externalIdentifiers: [...o.externalIdentifiers, ...(topIdentifiers.get(o.id) ?? [])],
  });

  const documentEntries: WireObject<ExtrinsicObject>[] = [];
  const submissionSets: WireObject<RegistryPackage>[] = [];
  const folders: WireObject<RegistryPackage>[] = [];
  const associations: RimAssociation[] = [];
  const kindById = new Map<string, XdsObjectKind>();
  for (const o of request.objects) {
    if (o.kind === "ExtrinsicObject") {
      documentEntries.push(join(o));
      kindById.set(o.id, "DocumentEntry");
    } else if (o.kind === "RegistryPackage") {
      const ss = isSubmissionSetPackage(o, topClassifications);
      const fd = isFolderPackage(o, topClassifications);
      if (ss && !fd) {
        submissionSets.push(join(o));
        kindById.set(o.id, "SubmissionSet");
      } else if (fd && !ss) {
        folders.push(join(o));
        kindById.set(o.id, "Folder");
      }
    } else if (o.kind === "Association") {
      associations.push(o);
      kindById.set(o.id, "Association");
    }
  }

  const locationById = new Map<string, string>();
  const locate = (id: string, uniqueId: string | undefined): void => {
    locationById.set(id, uniqueId ? `${id} (${uniqueId})` : id);
  };
  for (const de of metadata.documentEntries) locate(de.entryUuid, de.uniqueId);
  for (const ss of metadata.submissionSets) locate(ss.entryUuid, ss.uniqueId);
  for (const fd of metadata.folders) locate(fd.entryUuid, fd.uniqueId);

  return { transaction, metadata, documentEntries, submissionSets, folders, associations, allObjects, ids, kindById, locationById };
}

/** The error location for an object id (see SubmissionModel.locationById). */
export function locationOf(model: SubmissionModel, id: string): string {
  return model.locationById.get(id) ?? id;
}

function collect(o: RegistryObject, out: RegistryObject[]): void {
  out.push(o);
  for (const c of o.classifications) collect(c, out);
  for (const e of o.externalIdentifiers) collect(e, out);
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
