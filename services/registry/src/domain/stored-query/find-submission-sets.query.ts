import { STORED_QUERY } from "@opendsp/ebxml";
import { findSubmissionSets } from "../../storage/query/submission-set-query.repository.js";
import { timeRange } from "./document-entry.filter.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * FindSubmissionSets (ITI TF-2a 3.18.4.1.2.3.7.2): the patient's SubmissionSets with the given statuses, by
 * sourceId, submissionTime, author and contentTypeCode. $XDSSubmissionSetAuthorPerson is single-valued in the
 * parameter table (IPF validates it so too). Returns SubmissionSets only.
 */
export const findSubmissionSetsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.findSubmissionSets,
  name: "FindSubmissionSets",
  params: [
    { name: P.ssPatientId, type: "text", required: true },
    { name: P.ssSourceId, type: "texts" },
    { name: P.ssSubmissionTimeFrom, type: "time" },
    { name: P.ssSubmissionTimeTo, type: "time" },
    { name: P.ssAuthorPerson, type: "text" },
    { name: P.ssContentType, type: "codes" },
    { name: P.ssStatus, type: "statuses", required: true },
    ...COMMON_PARAMS,
  ],
  patientParam: P.ssPatientId,
  async run(ctx, params) {
    const author = params.text(P.ssAuthorPerson);
    const sets = await findSubmissionSets(
      ctx,
      {
        patientId: params.text(P.ssPatientId),
        statuses: params.list(P.ssStatus),
        sourceIds: params.list(P.ssSourceId),
        submissionTime: timeRange(params, P.ssSubmissionTimeFrom, P.ssSubmissionTimeTo),
        authorPersons: author === undefined ? undefined : [author],
        contentTypes: params.codes(P.ssContentType),
      },
      ctx.fetchLimit,
    );
    return queryMatches({ submissionSets: sets });
  },
};
