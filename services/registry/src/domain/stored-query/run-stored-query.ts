import type { AuditRecord } from "@opendsp/atna";
import { RETURN_TYPE, xdsError, type AdhocQueryRequest, type OutgoingAdhocQueryResponse, type XdsError } from "@opendsp/ebxml";
import { appendAuditRecord, type Logger } from "@opendsp/platform";
import { failureOf, type RegistryAuditor } from "../../audit/registry-audit-record.js";
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
 * The answer to a query. `stored`, when set, is the commit of the query's audit row, still under way: the answer
 * must not leave before it resolves, to undefined, or to the failure answer to send instead (the row could not be
 * written). It never rejects.
 */
export interface StoredQueryAnswer {
  readonly response: OutgoingAdhocQueryResponse;
  readonly stored?: Promise<OutgoingAdhocQueryResponse | undefined>;
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
  auditor: RegistryAuditor,
  requestBase64: string | undefined,
  log?: Logger,
): Promise<StoredQueryAnswer> {
  const queryId = request.query.id;
  const returnType = request.returnType;
  const definition = STORED_QUERIES.get(queryId);
  if (!definition) {
    return { response: await refuseQuery(deps, [xdsError("XDSUnknownStoredQuery", `${queryId} is not a stored query of this registry`, queryId)], { queryId, returnType }, auditor, requestBase64, log) };
  }
  if (returnType !== RETURN_TYPE.leafClass && returnType !== RETURN_TYPE.objectRef) {
    const error = xdsError("XDSRegistryError", `returnType ${returnType} is not supported: LeafClass or ObjectRef`, "ResponseOption");
    return { response: await refuseQuery(deps, [error], { queryId, returnType }, auditor, requestBase64, log) };
  }
  const read = readQueryParameters(request.query.slots, definition.params, definition.exactlyOne);
  const namedPatient = definition.patientParam && read.ok ? read.params.text(definition.patientParam) : undefined;
  if (!read.ok) return { response: await refuseQuery(deps, read.errors, { queryId, returnType }, auditor, requestBase64, log) };

  const max = deps.config.REGISTRY_MAX_RESULTS;
  const cap = returnType === RETURN_TYPE.leafClass ? max : max * OBJECT_REF_CAP_FACTOR;
  const home = deps.config.REGISTRY_HOME_COMMUNITY_ID;
  const withLeaf = returnType === RETURN_TYPE.leafClass && home === undefined;
  // A query answered from one statement sees one snapshot by itself; a read changes nothing, so its audit row only
  // has to be stored before the answer leaves, which the insert below guarantees. Composite queries read several
  // times and keep one REPEATABLE READ transaction so that every step sees the same registry.
  const inSnapshot = <T>(work: (db: QueryDb) => Promise<T>): Promise<T> =>
    definition.oneStatement === true ? work(deps.db) : deps.db.transaction().setIsolationLevel("repeatable read").execute(work);
  const failed = (err: unknown): Promise<OutgoingAdhocQueryResponse> => {
    log?.error({ err, query: definition.name }, "ITI-18 failed");
    const error = xdsError("XDSRegistryError", "the registry could not run the stored query", queryId);
    return refuseQuery(deps, [error], { queryId, returnType, patientId: namedPatient }, auditor, requestBase64, log);
  };
  try {
    return await inSnapshot(async (tx): Promise<StoredQueryAnswer> => {
      const found = await definition.run({ db: tx, access, fetchLimit: cap + 1, withLeaf }, read.params);
      const errors = resultErrors(definition, found, cap);
      const patientId = namedPatient ?? singlePatientOf(found);
      if (errors.length > 0) {
        await appendAuditRecord(tx, failureRecord(auditor, { queryId, returnType, patientId }, errors.map((e) => e.errorCode), requestBase64));
        log?.info({ query: definition.name, codes: errors.map((e) => e.errorCode) }, "ITI-18 refused");
        return { response: failureResponse(errors) };
      }
      const objects = await resultObjects(tx, found, returnType, home);
      const record = auditor.record({ transaction: "ITI-18", outcome: "success", patientIds: [patientId], query: queryOf(queryId, requestBase64) });
      // debug: the SOAP endpoint already logs one line per request.
      log?.debug({ query: definition.name, returnType, results: objects.length }, "ITI-18 answered");
      if (definition.oneStatement === true) {
        // Nothing else is read: the answer is encoded while the row commits, and waits for it (StoredQueryAnswer).
        const stored = appendAuditRecord(deps.db, record).then(() => undefined, failed);
        return { response: successResponse(objects), stored };
      }
      await appendAuditRecord(tx, record);
      return { response: successResponse(objects) };
    });
  } catch (err) {
    return { response: await failed(err) };
  }
}

/** Answers Failure with the errors and records the refusal in its own audit row. */
export async function refuseQuery(
  deps: RegistryDeps,
  errors: readonly XdsError[],
  audit: QueryAudit,
  auditor: RegistryAuditor,
  requestBase64: string | undefined,
  log?: Logger,
): Promise<OutgoingAdhocQueryResponse> {
  await auditRefusal(deps, errors.map((e) => e.errorCode), audit, auditor, requestBase64, log);
  return failureResponse(errors);
}

/** Records a refused request in its own audit row; the refusal is answered whether or not the row could be written. */
export async function auditRefusal(
  deps: RegistryDeps,
  codes: readonly string[],
  audit: QueryAudit,
  auditor: RegistryAuditor,
  requestBase64: string | undefined,
  log?: Logger,
): Promise<void> {
  log?.info({ codes: [...new Set(codes)] }, "ITI-18 refused");
  try {
    await appendAuditRecord(deps.db, failureRecord(auditor, audit, codes, requestBase64));
  } catch (err) {
    log?.error({ err }, "ITI-18: the audit row of a refused query could not be written");
  }
}

function failureRecord(auditor: RegistryAuditor, audit: QueryAudit, codes: readonly string[], requestBase64: string | undefined): AuditRecord {
  return auditor.record({
    transaction: "ITI-18",
    outcome: "serious-failure",
    patientIds: [audit.patientId],
    query: queryOf(audit.queryId, requestBase64),
    failure: failureOf(codes),
  });
}

/** The stored query participant object (ITI TF-2a 3.18.5.1.2); an unreadable request still names "unknown". */
function queryOf(queryId: string, requestBase64: string | undefined): NonNullable<AuditRecord["query"]> {
  const storedQueryId = queryId.length > 0 && queryId.length <= 256 ? queryId : "unknown";
  return { storedQueryId, ...(requestBase64 === undefined ? {} : { requestBase64 }) };
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
