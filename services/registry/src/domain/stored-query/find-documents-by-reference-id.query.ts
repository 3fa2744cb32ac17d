import { STORED_QUERY } from "@opendsp/ebxml";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { documentEntryFilterOf } from "./document-entry.filter.js";
import { COMMON_PARAMS, DOCUMENT_ENTRY_FILTER_PARAMS, P } from "./query-parameter.names.js";
import { queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * FindDocumentsByReferenceId (ITI TF-2a 3.18.4.1.2.3.7.14): FindDocuments restricted to entries whose
 * referenceIdList holds one of the given values. Values of one Slot are OR-ed; several Slots are AND-ed, as IPF's
 * validator allows repeating this parameter like the other AND/OR ones. Values are compared whole (CXi strings).
 */
export const findDocumentsByReferenceIdQuery: StoredQueryDefinition = {
  id: STORED_QUERY.findDocumentsByReferenceId,
  name: "FindDocumentsByReferenceId",
  params: [...DOCUMENT_ENTRY_FILTER_PARAMS, { name: P.deReferenceIdList, type: "texts", required: true, andOr: true }, ...COMMON_PARAMS],
  patientParam: P.dePatientId,
  oneStatement: true,
  async run(ctx, params) {
    const filter = { ...documentEntryFilterOf(params), referenceIds: params.groups(P.deReferenceIdList) };
    return queryMatches({ documentEntries: await findDocumentEntries(ctx, filter, ctx.fetchLimit, ctx.withLeaf) });
  },
};
