import {
  RESPONSE_STATUS,
  RETURN_TYPE,
  toRegistryError,
  xdsMetadataToRim,
  associationToRim,
  documentEntryToRim,
  folderToRim,
  submissionSetToRim,
  type Identifiable,
  type OutgoingAdhocQueryResponse,
  type PreRenderedObject,
  type ObjectRef,
  type XdsError,
} from "@opendsp/ebxml";
import type { QueryDb } from "../../storage/query/query-filter.types.js";
import {
  loadAssociationViews,
  loadDocumentEntryViews,
  loadFolderViews,
  leafObjectOf,
  loadLeafObjects,
  loadSubmissionSetViews,
} from "../../storage/query/registry-object-view.repository.js";
import { idsOf, type QueryMatches } from "./stored-query.definition.js";

/** Errors travel inside the AdhocQueryResponse with status Failure, never as SOAP Faults (ITI TF-2a 3.18.4.1.3). */
export function failureResponse(errors: readonly XdsError[]): OutgoingAdhocQueryResponse {
  return { status: RESPONSE_STATUS.failure, responseSlots: [], errors: errors.map(toRegistryError), objects: [] };
}

export function successResponse(objects: readonly (Identifiable | PreRenderedObject)[]): OutgoingAdhocQueryResponse {
  return { status: RESPONSE_STATUS.success, responseSlots: [], errors: [], objects };
}

/**
 * The RegistryObjectList of a Success: full objects rebuilt from their stored views (LeafClass) or references
 * (ObjectRef), SubmissionSets, Folders, DocumentEntries then Associations. `home` is the registry's
 * homeCommunityId when it belongs to a community (ITI TF-3 4.2.3.2.11); it replaces what a source may have sent.
 */
export async function resultObjects(
  db: QueryDb,
  found: QueryMatches,
  returnType: string,
  home: string | undefined,
): Promise<(Identifiable | PreRenderedObject)[]> {
  const ids = {
    submissionSets: unique(idsOf(found.submissionSets)),
    folders: unique(idsOf(found.folders)),
    documentEntries: unique(idsOf(found.documentEntries)),
    associations: unique(idsOf(found.associations)),
  };
  if (returnType === RETURN_TYPE.objectRef) {
    const all = [...ids.submissionSets, ...ids.folders, ...ids.documentEntries, ...ids.associations];
    return all.map((id): ObjectRef => (home === undefined ? { kind: "ObjectRef", id } : { kind: "ObjectRef", id, home }));
  }
  if (home === undefined) {
    // The objects as stored at registration, status spliced in: no rendering per query.
    return [
      ...(await loadLeafObjects(db, "submission_set", ids.submissionSets, submissionSetToRim)),
      ...(await loadLeafObjects(db, "folder", ids.folders, folderToRim)),
      ...(await documentEntryLeaves(db, found.documentEntries, ids.documentEntries)),
      ...(await loadLeafObjects(db, "association", ids.associations, associationToRim)),
    ];
  }
  const withHome = <T extends { readonly homeCommunityId?: string }>(view: T): T => ({ ...view, homeCommunityId: home });
  return xdsMetadataToRim({
    submissionSets: (await loadSubmissionSetViews(db, ids.submissionSets)).map(withHome),
    folders: (await loadFolderViews(db, ids.folders)).map(withHome),
    documentEntries: (await loadDocumentEntryViews(db, ids.documentEntries)).map(withHome),
    associations: (await loadAssociationViews(db, ids.associations)).map(withHome),
    objectRefs: [],
  });
}

/** DocumentEntries whose finder already read their LeafClass columns need no second read. */
async function documentEntryLeaves(db: QueryDb, matches: QueryMatches["documentEntries"], ids: readonly string[]): Promise<(Identifiable | PreRenderedObject)[]> {
  if (!matches.every((m) => m.leaf !== undefined)) return loadLeafObjects(db, "document_entry", ids, documentEntryToRim);
  const byId = new Map(matches.map((m) => [m.entryUuid, m.leaf]));
  return ids.flatMap((id) => {
    const leaf = byId.get(id);
    return leaf ? [leafObjectOf(id, leaf, documentEntryToRim)] : [];
  });
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
