import { STORED_QUERY } from "@opendsp/ebxml";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/** GetFolders (ITI TF-2a 3.18.4.1.2.3.7.6): Folders by entryUUID, uniqueId or logicalID (exactly one of the three). */
export const getFoldersQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getFolders,
  name: "GetFolders",
  params: [
    { name: P.folderEntryUuid, type: "texts" },
    { name: P.folderUniqueId, type: "texts" },
    { name: P.folderLogicalId, type: "texts" },
    ...COMMON_PARAMS,
  ],
  exactlyOne: [[P.folderEntryUuid, P.folderUniqueId, P.folderLogicalId]],
  singlePatient: true,
  async run(ctx, params) {
    const filter = { entryUuids: params.list(P.folderEntryUuid), uniqueIds: params.list(P.folderUniqueId), logicalIds: params.list(P.folderLogicalId) };
    return queryMatches({ folders: await findFolders(ctx, filter, ctx.fetchLimit) });
  },
};
