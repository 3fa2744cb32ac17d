import { ASSOCIATION_TYPE, STORED_QUERY } from "@opendsp/ebxml";
import { findAssociations } from "../../storage/query/association-query.repository.js";
import { findSubmissionSets } from "../../storage/query/submission-set-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetSubmissionSets (ITI TF-2a 3.18.4.1.2.3.7.9): the SubmissionSets that hold one of $uuid (DocumentEntries,
 * Folders or Associations) through a HasMember Association, with those Associations.
 */
export const getSubmissionSetsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getSubmissionSets,
  name: "GetSubmissionSets",
  params: [{ name: P.uuid, type: "texts", required: true }, ...COMMON_PARAMS],
  singlePatient: true,
  async run(ctx, params) {
    const associations = await findAssociations(
      ctx,
      { targets: params.list(P.uuid), types: [ASSOCIATION_TYPE.hasMember], fromSubmissionSet: true },
      ctx.fetchLimit,
    );
    if (associations.length === 0 || budgetSpent(ctx, associations)) return queryMatches({ associations });
    const sources = [...new Set(associations.map((a) => a.sourceUuid))];
    const submissionSets = await findSubmissionSets(ctx, { entryUuids: sources }, ctx.fetchLimit - associations.length);
    return queryMatches({ submissionSets, associations });
  },
};
