import { STORED_QUERY } from "@opendsp/ebxml";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { timeRange } from "./document-entry.filter.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * FindFolders (ITI TF-2a 3.18.4.1.2.3.7.3): the patient's Folders with the given statuses, by lastUpdateTime and
 * codeList ($XDSFolderCodeList is AND/OR). Returns Folders only.
 */
export const findFoldersQuery: StoredQueryDefinition = {
  id: STORED_QUERY.findFolders,
  name: "FindFolders",
  params: [
    { name: P.folderPatientId, type: "text", required: true },
    { name: P.folderLastUpdateTimeFrom, type: "time" },
    { name: P.folderLastUpdateTimeTo, type: "time" },
    { name: P.folderCodeList, type: "codes", andOr: true },
    { name: P.folderStatus, type: "statuses", required: true },
    ...COMMON_PARAMS,
  ],
  patientParam: P.folderPatientId,
  async run(ctx, params) {
    const folders = await findFolders(
      ctx,
      {
        patientId: params.text(P.folderPatientId),
        statuses: params.list(P.folderStatus),
        lastUpdateTime: timeRange(params, P.folderLastUpdateTimeFrom, P.folderLastUpdateTimeTo),
        codes: params.codeGroups(P.folderCodeList),
      },
      ctx.fetchLimit,
    );
    return queryMatches({ folders });
  },
};
