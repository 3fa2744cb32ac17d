import { STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { idsOf, NO_MATCHES, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetFoldersForDocument (ITI TF-2a 3.18.4.1.2.3.7.12): the Folders holding one DocumentEntry (by entryUUID or
 * uniqueId) through a Folder-to-DocumentEntry HasMember Association. Returns Folders only.
 */
export const getFoldersForDocumentQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getFoldersForDocument,
  name: "GetFoldersForDocument",
  params: [{ name: P.deEntryUuid, type: "text" }, { name: P.deUniqueId, type: "text" }, ...COMMON_PARAMS],
  exactlyOne: [[P.deEntryUuid, P.deUniqueId]],
  singlePatient: true,
  async run(ctx, params) {
    const uuid = params.text(P.deEntryUuid);
    const uniqueId = params.text(P.deUniqueId);
    // A uniqueId names every version of a document (ITI TF-3 4.1.5), hence a list.
    const documents = await findDocumentEntries(
      ctx,
      { entryUuids: uuid === undefined ? undefined : [uuid], uniqueIds: uniqueId === undefined ? undefined : [uniqueId] },
      ctx.fetchLimit,
    );
    if (documents.length === 0) return NO_MATCHES;
    return queryMatches({ folders: await findFolders(ctx, { containing: idsOf(documents) }, ctx.fetchLimit) });
  },
};
