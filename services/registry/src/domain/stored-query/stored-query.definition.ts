import type { AssociationMatch, PatientObjectMatch, QueryReader } from "../../storage/query/query-filter.types.js";
import type { ParamSpec, QueryParams } from "./query-parameters.js";

/**
 * What a stored query runs with: the transaction of its audit row, the actor's access restriction (QueryReader: every
 * finder takes the context, so no read can leave the restriction out) and the per-call row budget.
 */
export interface QueryContext extends QueryReader {
  /**
   * Rows a finder may return per call: one more than the result cap, so an over-large result is recognised
   * (XDSTooManyResults) without reading all of it.
   */
  readonly fetchLimit: number;
  /** LeafClass answers: finders that can read the objects' LeafClass columns in their own statement do so. */
  readonly withLeaf: boolean;
}

/** The objects a stored query selected, by id; LeafClass answers load their views afterwards. */
export interface QueryMatches {
  readonly submissionSets: readonly PatientObjectMatch[];
  readonly folders: readonly PatientObjectMatch[];
  readonly documentEntries: readonly PatientObjectMatch[];
  readonly associations: readonly AssociationMatch[];
}

/** One entry of the stored query catalog (ITI TF-2a 3.18.4.1.2.3.7.x). */
export interface StoredQueryDefinition {
  readonly id: string;
  readonly name: string;
  readonly params: readonly ParamSpec[];
  /** Groups of parameters of which exactly one is given (e.g. entryUUID or uniqueId). */
  readonly exactlyOne?: readonly (readonly string[])[];
  /** The parameter naming the patient, for the audit row. */
  readonly patientParam?: string;
  /** Queries by object ids answer XDSResultNotSinglePatient when the objects found belong to several patients. */
  readonly singlePatient?: boolean;
  /**
   * The query reads with one SELECT that also brings the LeafClass columns (QueryContext.withLeaf): one statement
   * sees one snapshot, so it needs no transaction around it and no second read.
   */
  readonly oneStatement?: boolean;
  run(ctx: QueryContext, params: QueryParams): Promise<QueryMatches>;
}

export function queryMatches(parts: Partial<QueryMatches>): QueryMatches {
  return {
    submissionSets: parts.submissionSets ?? [],
    folders: parts.folders ?? [],
    documentEntries: parts.documentEntries ?? [],
    associations: parts.associations ?? [],
  };
}

export const NO_MATCHES: QueryMatches = queryMatches({});

export function matchCount(m: QueryMatches): number {
  return m.submissionSets.length + m.folders.length + m.documentEntries.length + m.associations.length;
}

/** True when a finder filled its budget: the answer will be XDSTooManyResults, so further steps can be skipped. */
export function budgetSpent(ctx: QueryContext, ...lists: readonly (readonly unknown[])[]): boolean {
  return lists.reduce((n, l) => n + l.length, 0) >= ctx.fetchLimit;
}

export function idsOf(list: readonly { readonly entryUuid: string }[]): string[] {
  return list.map((o) => o.entryUuid);
}
