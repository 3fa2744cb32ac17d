import { ASSOCIATION_TYPE, STORED_QUERY } from "@opendsp/ebxml";
import { findAssociations } from "../../storage/query/association-query.repository.js";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { documentTypesOf } from "./document-entry.filter.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, idsOf, NO_MATCHES, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetFolderAndContents (ITI TF-2a 3.18.4.1.2.3.7.11): one Folder by entryUUID or uniqueId, its DocumentEntries
 * (narrowed by formatCode, confidentialityCode and objectType) and the Folder-to-DocumentEntry HasMember
 * Associations of the entries returned.
 */
export const getFolderAndContentsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getFolderAndContents,
  name: "GetFolderAndContents",
  params: [
    { name: P.folderEntryUuid, type: "text" },
    { name: P.folderUniqueId, type: "text" },
    { name: P.deFormatCode, type: "codes" },
    { name: P.deConfidentialityCode, type: "codes", andOr: true },
    { name: P.deType, type: "documentTypes" },
    ...COMMON_PARAMS,
  ],
  exactlyOne: [[P.folderEntryUuid, P.folderUniqueId]],
  async run(ctx, params) {
    const uuid = params.text(P.folderEntryUuid);
    const uniqueId = params.text(P.folderUniqueId);
    const folders = await findFolders(
      ctx,
      { entryUuids: uuid === undefined ? undefined : [uuid], uniqueIds: uniqueId === undefined ? undefined : [uniqueId] },
      1,
    );
    const folder = folders[0];
    if (!folder) return NO_MATCHES;
    const documentEntries = await findDocumentEntries(
      ctx,
      {
        memberOf: [folder.entryUuid],
        formatCodes: params.codes(P.deFormatCode),
        confidentialityCodes: params.codeGroups(P.deConfidentialityCode),
        objectTypes: documentTypesOf(params),
      },
      ctx.fetchLimit,
    );
    if (documentEntries.length === 0 || budgetSpent(ctx, folders, documentEntries)) return queryMatches({ folders, documentEntries });
    const associations = await findAssociations(
      ctx,
      { sources: [folder.entryUuid], targets: idsOf(documentEntries), types: [ASSOCIATION_TYPE.hasMember] },
      ctx.fetchLimit,
    );
    return queryMatches({ folders, documentEntries, associations });
  },
};
