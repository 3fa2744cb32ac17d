import { findAssociations } from "../../storage/query/association-query.repository.js";
import type { AssociationMatch } from "../../storage/query/query-filter.types.js";
import { idsOf, type QueryContext } from "./stored-query.definition.js";

/**
 * The associations that hold a returned set of objects together: those whose source and target are both returned,
 * then those from a returned object to one of them (the SubmissionSet HasMember that records a Folder HasMember,
 * ITI TF-3 4.2.2.1.2). Associations pointing outside the answer are left out, so a consumer never receives a
 * reference it cannot resolve (NIST's registry filters GetSubmissionSetAndContents the same way).
 */
export async function associationsAmong(ctx: QueryContext, objectIds: readonly string[], types?: readonly string[]): Promise<AssociationMatch[]> {
  if (objectIds.length === 0) return [];
  const direct = await findAssociations(ctx, { sources: objectIds, targets: objectIds, types }, ctx.fetchLimit);
  if (direct.length === 0 || direct.length >= ctx.fetchLimit) return direct;
  const onAssociations = await findAssociations(ctx, { sources: objectIds, targets: idsOf(direct), types }, ctx.fetchLimit - direct.length);
  return [...direct, ...onAssociations];
}
