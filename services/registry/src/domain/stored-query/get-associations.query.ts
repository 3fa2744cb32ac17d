import { STORED_QUERY } from "@opendsp/ebxml";
import { findAssociations } from "../../storage/query/association-query.repository.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/** GetAssociations (ITI TF-2a 3.18.4.1.2.3.7.7): every Association whose source or target is one of $uuid. */
export const getAssociationsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getAssociations,
  name: "GetAssociations",
  params: [{ name: P.uuid, type: "texts", required: true }, ...COMMON_PARAMS],
  async run(ctx, params) {
    return queryMatches({ associations: await findAssociations(ctx, { sourceOrTarget: params.list(P.uuid) }, ctx.fetchLimit) });
  },
};
