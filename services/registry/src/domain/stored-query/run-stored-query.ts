import { RETURN_TYPE, xdsError, type AdhocQueryRequest, type OutgoingAdhocQueryResponse, type XdsError } from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import { appendAuditEvent, type AuditActor } from "../../storage/audit-outbox.repository.js";
import type { RegistryDeps } from "../../registry-deps.js";
import type { AccessRestriction, QueryDb } from "../../storage/query/query-filter.types.js";
import { readQueryParameters } from "./query-parameters.js";
import { STORED_QUERIES } from "./stored-query.catalog.js";
import { matchCount, type QueryMatches, type StoredQueryDefinition } from "./stored-query.definition.js";
import { failureResponse, resultObjects, successResponse } from "./stored-query-response.js";

/**
 * XDSTooManyResults (ITI TF-2a 3.18.4.1.3) guards memory and response size. A LeafClass answer may hold
 * REGISTRY_MAX_RESULTS objects; an ObjectRef answer ten times as many, because references are small and asking for
 * ObjectRefs and then fetching LeafClass in batches (GetDocuments) is how IHE expects consumers to page through a
 * large result. Both stay bounded, so no query can load an unbounded set of rows.
 */
export const OBJECT_REF_CAP_FACTOR = 10;

/** What the audit row says about one query: ids and codes only, never metadata content. */
export interface QueryAudit {
  readonly queryId: string;
  readonly returnType: string;
  readonly patientId?: string | undefined;
}

/**
 * ITI-18 Registry Stored Query: finds the stored query, reads its parameters, runs it and builds the answer from
 * one snapshot of the registry (one statement, or one REPEATABLE READ transaction for composite queries), the
 * audit row written before the answer leaves. Refusals get their own audit row; every outcome is audited.
 * `access` (the gateway's restriction, undefined for none) is applied inside the SQL of every read.
 */
export async function runStoredQuery(
  deps: RegistryDeps,
  request: AdhocQueryRequest,
  access: AccessRestriction | undefined,
  actor: AuditActor,
  log?: Logger,
): Promise<OutgoingAdhocQueryResponse> {
  const queryId = request.query.id;
  const returnType = request.returnType;
  const definition = STORED_QUERIES.get(queryId);
  if (!definition) {
    return refuseQuery(deps, [xdsError("XDSUnknownStoredQuery", `${queryId} is not a stored query of this registry`, queryId)], { queryId, returnType }, actor, log);
  }
  if (returnType !== RETURN_TYPE.leafClass && returnType !== RETURN_TYPE.objectRef) {
    const error = xdsError("XDSRegistryError", `returnType ${returnType} is not supported: LeafClass or ObjectRef`, "ResponseOption");
    return refuseQuery(deps, [error], { queryId, returnType }, actor, log);
  }
  const read = readQueryParameters(request.query.slots, definition.params, definition.exactlyOne);
  const namedPatient = definition.patientParam && read.ok ? read.params.text(definition.patientParam) : undefined;
  if (!read.ok) return refuseQuery(deps, read.errors, { queryId, returnType }, actor, log);

  const max = deps.config.REGISTRY_MAX_RESULTS;
  const cap = returnType === RETURN_TYPE.leafClass ? max : max * OBJECT_REF_CAP_FACTOR;
  const home = deps.config.REGISTRY_HOME_COMMUNITY_ID;
  const withLeaf = returnType === RETURN_TYPE.leafClass && home === undefined;
  // A query answered from one statement sees one snapshot by itself; a read changes nothing, so its audit row only
  // has to be stored before the answer leaves, which the insert below guarantees. Composite queries read several
  // times and keep one REPEATABLE READ transaction so that every step sees the same registry.
  const inSnapshot = <T>(work: (db: QueryDb) => Promise<T>): Promise<T> =>
    definition.oneStatement === true ? work(deps.db) : deps.db.transaction().setIsolationLevel("repeatable read").execute(work);
  try {
    return await inSnapshot(async (tx) => {
      const found = await definition.run({ db: tx, access, fetchLimit: cap + 1, withLeaf }, read.params);
      const errors = resultErrors(definition, found, cap);
      const patientId = namedPatient ?? singlePatientOf(found);
      if (errors.length > 0) {
        await appendAuditEvent(tx, failureAudit({ queryId, returnType, patientId }, errors, actor));
        log?.info({ query: definition.name, codes: errors.map((e) => e.errorCode) }, "ITI-18 refused");
        return failureResponse(errors);
      }
      const objects = await resultObjects(tx, found, returnType, home);
      await appendAuditEvent(tx, {
        transaction: "ITI-18",
        outcome: "success",
        patientId,
        actor,
        detail: { queryId, queryName: definition.name, returnType, resultCount: objects.length, restricted: access !== undefined },
      });
      // debug: the SOAP endpoint already logs one line per request.
      log?.debug({ query: definition.name, returnType, results: objects.length }, "ITI-18 answered");
      return successResponse(objects);
    });
  } catch (err) {
    log?.error({ err, query: definition.name }, "ITI-18 failed");
    const error = xdsError("XDSRegistryError", "the registry could not run the stored query", queryId);
    return refuseQuery(deps, [error], { queryId, returnType, patientId: namedPatient }, actor, log);
  }
}

/** Answers Failure with the errors and records the refusal in its own audit row. */
export async function refuseQuery(
  deps: RegistryDeps,
  errors: readonly XdsError[],
  audit: QueryAudit,
  actor: AuditActor,
  log?: Logger,
): Promise<OutgoingAdhocQueryResponse> {
  await auditRefusal(deps, errors.map((e) => e.errorCode), audit, actor, log);
  return failureResponse(errors);
}

/** Records a refused request in its own audit row; the refusal is answered whether or not the row could be written. */
export async function auditRefusal(deps: RegistryDeps, codes: readonly string[], audit: QueryAudit, actor: AuditActor, log?: Logger): Promise<void> {
  log?.info({ codes: [...new Set(codes)] }, "ITI-18 refused");
  try {
    await appendAuditEvent(deps.db, failureAuditOf(audit, codes, actor));
  } catch (err) {
    log?.error({ err }, "ITI-18: the audit row of a refused query could not be written");
  }
}

function failureAudit(audit: QueryAudit, errors: readonly XdsError[], actor: AuditActor) {
  return failureAuditOf(audit, errors.map((e) => e.errorCode), actor);
}

function failureAuditOf(audit: QueryAudit, codes: readonly string[], actor: AuditActor) {
  return {
    transaction: "ITI-18" as const,
    outcome: "failure" as const,
    patientId: audit.patientId,
    actor,
    detail: { queryId: audit.queryId, returnType: audit.returnType, errorCodes: [...new Set(codes)] },
  };
}

/** Errors that depend on what was found: too many objects, or objects of several patients. */
function resultErrors(definition: StoredQueryDefinition, found: QueryMatches, cap: number): XdsError[] {
  if (matchCount(found) > cap) {
    return [xdsError("XDSTooManyResults", `the query matches more than ${cap} objects; narrow it down or ask for ObjectRef`, definition.id)];
  }
  if (definition.singlePatient && patientsOf(found).size > 1) {
    // ITI TF-3 Table 4.2.4.1-2: a query by ids must not return the records of several patients.
    return [xdsError("XDSResultNotSinglePatient", "the objects asked for belong to more than one patient", definition.id)];
  }
  return [];
}

function patientsOf(found: QueryMatches): Set<string> {
  return new Set([...found.submissionSets, ...found.folders, ...found.documentEntries].map((o) => o.patientId));
}

function singlePatientOf(found: QueryMatches): string | undefined {
  const patients = patientsOf(found);
  return patients.size === 1 ? [...patients][0] : undefined;
}
