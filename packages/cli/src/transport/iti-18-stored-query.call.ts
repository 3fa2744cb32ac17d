import {
  ACTION,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseAdhocQueryResponse,
  writeAdhocQueryRequest,
  xdsMetadataFromRim,
  type DocumentEntry,
  type RegistryError,
  type Slot,
} from "@opendsp/ebxml";
import { callSoap, xuaSecurityHeader } from "@opendsp/soap";
import { UnexpectedAnswerError, XdsTransactionError } from "../errors/platform-errors.js";

export interface StoredQueryResult {
  readonly documentEntries: readonly DocumentEntry[];
  readonly warnings: readonly RegistryError[];
}

/**
 * One ITI-18 Registry Stored Query with LeafClass results (ITI TF-2a 3.18.4.1.2): the DocumentEntries found, or an
 * XdsTransactionError with every RegistryError when the status is not Success (PartialSuccess included: part of
 * the answer is missing, and a listing that silently lacks documents is worse than none).
 */
export async function storedQuery(
  registryUrl: string,
  queryId: string,
  slots: readonly Slot[],
  timeoutMs: number,
  signal?: AbortSignal,
  assertion?: string,
): Promise<StoredQueryResult> {
  const reply = await callSoap({
    url: registryUrl,
    ...(signal === undefined ? {} : { signal }),
    // The user's XUA assertion in a wsse:Security header (ITI TF-2b 3.40.4.1).
    ...(assertion === undefined ? {} : { extraHeaders: [xuaSecurityHeader(assertion)] }),
    action: ACTION.iti18.request,
    responseAction: ACTION.iti18.response,
    timeoutMs,
    body: writeAdhocQueryRequest({ requestSlots: [], returnType: RETURN_TYPE.leafClass, query: { id: queryId, slots } }),
  });
  const parsed = parseAdhocQueryResponse(reply.body);
  if (!parsed.ok) {
    throw new UnexpectedAnswerError(`the registry's answer to ITI-18 is not an AdhocQueryResponse: ${parsed.errors.map((e) => e.codeContext).join("; ")}`);
  }
  const response = parsed.value;
  if (response.status !== RESPONSE_STATUS.success) throw new XdsTransactionError("ITI-18", "registry", response.status, response.errors);
  return { documentEntries: xdsMetadataFromRim(response.objects).documentEntries, warnings: response.errors };
}

/** A stored-query string value (ITI TF-2a 3.18.4.1.2.3.5): in single quotes, a quote doubled. */
export function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A stored-query list value: ('a','b'). */
export function quotedList(values: readonly string[]): string {
  return `(${values.map(quoted).join(",")})`;
}

/** ITI-18 GetDocuments by uniqueId (ITI TF-2a 3.18.4.1.2.3.7.5). */
export function getDocumentsByUniqueId(
  registryUrl: string,
  uniqueIds: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
  assertion?: string,
): Promise<StoredQueryResult> {
  return storedQuery(registryUrl, STORED_QUERY.getDocuments, [{ name: "$XDSDocumentEntryUniqueId", values: [quotedList(uniqueIds)] }], timeoutMs, signal, assertion);
}
