import { STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { documentEntryFilterOf } from "./document-entry.filter.js";
import { COMMON_PARAMS, DOCUMENT_ENTRY_FILTER_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * FindDocuments (ITI TF-2a 3.18.4.1.2.3.7.1): the patient's DocumentEntries with the given statuses, narrowed by
 * codes, time ranges, authors and objectType. Returns DocumentEntries only.
 */
export const findDocumentsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.findDocuments,
  name: "FindDocuments",
  params: [...DOCUMENT_ENTRY_FILTER_PARAMS, ...COMMON_PARAMS],
  patientParam: P.dePatientId,
  oneStatement: true,
  async run(ctx, params) {
    return queryMatches({ documentEntries: await findDocumentEntries(ctx, documentEntryFilterOf(params), ctx.fetchLimit, ctx.withLeaf) });
  },
};
