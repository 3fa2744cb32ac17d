import { STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { findSubmissionSets } from "../../storage/query/submission-set-query.repository.js";
import { documentTypesOf } from "./document-entry.filter.js";
import { associationsAmong } from "./query-associations.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, idsOf, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetAll (ITI TF-2a 3.18.4.1.2.3.7.4): everything registered for a patient with the given statuses: SubmissionSets,
 * Folders, DocumentEntries (narrowed by formatCode, confidentialityCode and objectType) and the Associations among
 * them (see associationsAmong).
 */
export const getAllQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getAll,
  name: "GetAll",
  params: [
    { name: P.patientId, type: "text", required: true },
    { name: P.deStatus, type: "statuses", required: true },
    { name: P.ssStatus, type: "statuses", required: true },
    { name: P.folderStatus, type: "statuses", required: true },
    { name: P.deFormatCode, type: "codes" },
    { name: P.deConfidentialityCode, type: "codes", andOr: true },
    { name: P.deType, type: "documentTypes" },
    ...COMMON_PARAMS,
  ],
  patientParam: P.patientId,
  async run(ctx, params) {
    const patientId = params.text(P.patientId);
    const documentEntries = await findDocumentEntries(
      ctx,
      {
        patientId,
        statuses: params.list(P.deStatus),
        formatCodes: params.codes(P.deFormatCode),
        confidentialityCodes: params.codeGroups(P.deConfidentialityCode),
        objectTypes: documentTypesOf(params),
      },
      ctx.fetchLimit,
    );
    const submissionSets = await findSubmissionSets(ctx, { patientId, statuses: params.list(P.ssStatus) }, ctx.fetchLimit);
    const folders = await findFolders(ctx, { patientId, statuses: params.list(P.folderStatus) }, ctx.fetchLimit);
    if (budgetSpent(ctx, documentEntries, submissionSets, folders)) return queryMatches({ documentEntries, submissionSets, folders });
    const associations = await associationsAmong(ctx, [...idsOf(submissionSets), ...idsOf(folders), ...idsOf(documentEntries)]);
    return queryMatches({ documentEntries, submissionSets, folders, associations });
  },
};
