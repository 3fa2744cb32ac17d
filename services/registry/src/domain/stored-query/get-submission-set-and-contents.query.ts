import { ASSOCIATION_TYPE, STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { findFolders } from "../../storage/query/folder-query.repository.js";
import { findSubmissionSets } from "../../storage/query/submission-set-query.repository.js";
import { documentTypesOf } from "./document-entry.filter.js";
import { associationsAmong } from "./query-associations.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, idsOf, NO_MATCHES, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetSubmissionSetAndContents (ITI TF-2a 3.18.4.1.2.3.7.10): one SubmissionSet by entryUUID or uniqueId, the
 * DocumentEntries (narrowed by formatCode, confidentialityCode and objectType) and Folders it holds through
 * HasMember, and the HasMember Associations among them: SS to DE, SS to Folder, Folder to DE and SS to that
 * Folder-to-DE Association.
 */
export const getSubmissionSetAndContentsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getSubmissionSetAndContents,
  name: "GetSubmissionSetAndContents",
  params: [
    { name: P.ssEntryUuid, type: "text" },
    { name: P.ssUniqueId, type: "text" },
    { name: P.deFormatCode, type: "codes" },
    { name: P.deConfidentialityCode, type: "codes", andOr: true },
    { name: P.deType, type: "documentTypes" },
    ...COMMON_PARAMS,
  ],
  exactlyOne: [[P.ssEntryUuid, P.ssUniqueId]],
  async run(ctx, params) {
    const uuid = params.text(P.ssEntryUuid);
    const uniqueId = params.text(P.ssUniqueId);
    const submissionSets = await findSubmissionSets(
      ctx,
      { entryUuids: uuid === undefined ? undefined : [uuid], uniqueIds: uniqueId === undefined ? undefined : [uniqueId] },
      1,
    );
    const ss = submissionSets[0];
    if (!ss) return NO_MATCHES;
    const documentEntries = await findDocumentEntries(
      ctx,
      {
        memberOf: [ss.entryUuid],
        formatCodes: params.codes(P.deFormatCode),
        confidentialityCodes: params.codeGroups(P.deConfidentialityCode),
        objectTypes: documentTypesOf(params),
      },
      ctx.fetchLimit,
    );
    const folders = await findFolders(ctx, { memberOf: [ss.entryUuid] }, ctx.fetchLimit);
    if (budgetSpent(ctx, submissionSets, documentEntries, folders)) return queryMatches({ submissionSets, documentEntries, folders });
    const objects = [ss.entryUuid, ...idsOf(folders), ...idsOf(documentEntries)];
    const associations = await associationsAmong(ctx, objects, [ASSOCIATION_TYPE.hasMember]);
    return queryMatches({ submissionSets, documentEntries, folders, associations });
  },
};
