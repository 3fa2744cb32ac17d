import { STORED_QUERY } from "@opendsp/ebxml";
import { findAssociations } from "../../storage/query/association-query.repository.js";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, idsOf, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetDocumentsAndAssociations (ITI TF-2a 3.18.4.1.2.3.7.8): DocumentEntries by entryUUID or uniqueId, with every
 * Association that has one of them as source or target (HasMember from their SubmissionSets and Folders, RPLC...).
 */
export const getDocumentsAndAssociationsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getDocumentsAndAssociations,
  name: "GetDocumentsAndAssociations",
  params: [{ name: P.deEntryUuid, type: "texts" }, { name: P.deUniqueId, type: "texts" }, ...COMMON_PARAMS],
  exactlyOne: [[P.deEntryUuid, P.deUniqueId]],
  singlePatient: true,
  async run(ctx, params) {
    const documentEntries = await findDocumentEntries(ctx, { entryUuids: params.list(P.deEntryUuid), uniqueIds: params.list(P.deUniqueId) }, ctx.fetchLimit);
    if (documentEntries.length === 0 || budgetSpent(ctx, documentEntries)) return queryMatches({ documentEntries });
    const associations = await findAssociations(ctx, { sourceOrTarget: idsOf(documentEntries) }, ctx.fetchLimit - documentEntries.length);
    return queryMatches({ documentEntries, associations });
  },
};
