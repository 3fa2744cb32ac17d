import { STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetDocuments (ITI TF-2a 3.18.4.1.2.3.7.5): DocumentEntries by entryUUID, uniqueId or logicalID (exactly one of
 * the three), whatever their status or type. Unknown ids simply match nothing (an empty Success).
 */
export const getDocumentsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getDocuments,
  name: "GetDocuments",
  params: [
    { name: P.deEntryUuid, type: "texts" },
    { name: P.deUniqueId, type: "texts" },
    { name: P.deLogicalId, type: "texts" },
    ...COMMON_PARAMS,
  ],
  exactlyOne: [[P.deEntryUuid, P.deUniqueId, P.deLogicalId]],
  singlePatient: true,
  oneStatement: true,
  async run(ctx, params) {
    const filter = { entryUuids: params.list(P.deEntryUuid), uniqueIds: params.list(P.deUniqueId), logicalIds: params.list(P.deLogicalId) };
    return queryMatches({ documentEntries: await findDocumentEntries(ctx, filter, ctx.fetchLimit, ctx.withLeaf) });
  },
};
