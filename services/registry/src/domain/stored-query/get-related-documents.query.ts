import { associationKindOf, associationTypeUrn, STORED_QUERY } from "@opendsp/ebxml";
import { findAssociations } from "../../storage/query/association-query.repository.js";
import { findDocumentEntries } from "../../storage/query/document-entry-query.repository.js";
import { documentTypesOf } from "./document-entry.filter.js";
import { COMMON_PARAMS, P } from "./query-parameter.names.js";
import { budgetSpent, idsOf, NO_MATCHES, queryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";

/**
 * GetRelatedDocuments (ITI TF-2a 3.18.4.1.2.3.7.13): the focus DocumentEntry (by entryUUID or uniqueId), the
 * DocumentEntries linked to it by an Association of one of $AssociationTypes (in either direction) and those
 * Associations. $XDSDocumentEntryType narrows the related entries (stable only by default); the focus entry is
 * the one the consumer named and is kept. No related entry: an empty answer, as NIST's registry does.
 */
export const getRelatedDocumentsQuery: StoredQueryDefinition = {
  id: STORED_QUERY.getRelatedDocuments,
  name: "GetRelatedDocuments",
  params: [
    { name: P.deEntryUuid, type: "text" },
    { name: P.deUniqueId, type: "text" },
    { name: P.associationTypes, type: "texts", required: true },
    { name: P.deType, type: "documentTypes" },
    ...COMMON_PARAMS,
  ],
  exactlyOne: [[P.deEntryUuid, P.deUniqueId]],
  singlePatient: true,
  async run(ctx, params) {
    const uuid = params.text(P.deEntryUuid);
    const uniqueId = params.text(P.deUniqueId);
    const focus = await findDocumentEntries(
      ctx,
      { entryUuids: uuid === undefined ? undefined : [uuid], uniqueIds: uniqueId === undefined ? undefined : [uniqueId] },
      ctx.fetchLimit,
    );
    if (focus.length === 0) return NO_MATCHES;
    const focusIds = new Set(idsOf(focus));
    const links = await findAssociations(ctx, { sourceOrTarget: [...focusIds], types: associationTypeUrns(params.list(P.associationTypes) ?? []) }, ctx.fetchLimit);
    if (budgetSpent(ctx, focus, links)) return queryMatches({ documentEntries: focus, associations: links });
    const otherEnd = (a: { sourceUuid: string; targetUuid: string }): string => (focusIds.has(a.sourceUuid) ? a.targetUuid : a.sourceUuid);
    const candidates = [...new Set(links.map(otherEnd))].filter((id) => !focusIds.has(id));
    if (candidates.length === 0) return NO_MATCHES;
    const related = await findDocumentEntries(ctx, { entryUuids: candidates, objectTypes: documentTypesOf(params) }, ctx.fetchLimit);
    const relatedIds = new Set(idsOf(related));
    const associations = links.filter((a) => relatedIds.has(otherEnd(a)));
    if (associations.length === 0) return NO_MATCHES;
    return queryMatches({ documentEntries: [...focus, ...related], associations });
  },
};

/** The URNs to match: each value as given, plus the URN of an unprefixed type name such as "RPLC". */
function associationTypeUrns(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    out.add(v);
    const kind = associationKindOf(v);
    if (kind) out.add(associationTypeUrn(kind));
  }
  return [...out];
}
