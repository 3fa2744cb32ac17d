import {
  ACTION,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseAdhocQueryResponse,
  writeAdhocQueryRequest,
  xdsMetadataFromRim,
  type XmlElement,
} from "@opendsp/ebxml";
import { SoapClientError, callSoap } from "@opendsp/soap";

/** What the registry says about a document: enough to tell whether it is the one this repository holds. */
export interface RegisteredDocument {
  readonly uniqueId: string;
  readonly repositoryUniqueId: string | undefined;
  readonly hash: string | undefined;
}

/** Values per GetDocuments call: keeps the request small and the answer well under any registry's limits. */
const BATCH = 50;

/**
 * Asks the registry which of these document uniqueIds it has, with Registry Stored Query GetDocuments (ITI-18,
 * ITI TF-2a 3.18.4.1.2.3.7.5) by $XDSDocumentEntryUniqueId, LeafClass. Used to reconcile `pending` documents after
 * a crash: a document the registry holds must never lose its bytes. Returns undefined when the registry cannot
 * answer (unreachable, fault, Failure): the caller then decides nothing.
 */
export async function findRegisteredDocuments(
  config: { readonly REGISTRY_URL: string; readonly REGISTRY_TIMEOUT_MS: number },
  uniqueIds: readonly string[],
): Promise<Map<string, RegisteredDocument> | undefined> {
  const found = new Map<string, RegisteredDocument>();
  for (let i = 0; i < uniqueIds.length; i += BATCH) {
    const batch = uniqueIds.slice(i, i + BATCH);
    const request = writeAdhocQueryRequest({
      requestSlots: [],
      returnType: RETURN_TYPE.leafClass,
      query: {
        id: STORED_QUERY.getDocuments,
        // ITI TF-2a 3.18.4.1.2.3.5: a multi-valued parameter is a parenthesised list of quoted values.
        slots: [{ name: "$XDSDocumentEntryUniqueId", values: [`(${batch.map((u) => `'${u.replace(/'/g, "''")}'`).join(",")})`] }],
      },
    });
    let body: XmlElement;
    try {
      body = (await callSoap({ url: config.REGISTRY_URL, action: ACTION.iti18.request, body: request, timeoutMs: config.REGISTRY_TIMEOUT_MS })).body;
    } catch (err) {
      if (err instanceof SoapClientError) return undefined;
      throw err;
    }
    const parsed = parseAdhocQueryResponse(body, { metadataError: "XDSRegistryError" });
    if (!parsed.ok || parsed.value.status !== RESPONSE_STATUS.success) return undefined;
    for (const de of xdsMetadataFromRim(parsed.value.objects).documentEntries) {
      if (de.uniqueId !== undefined) found.set(de.uniqueId, { uniqueId: de.uniqueId, repositoryUniqueId: de.repositoryUniqueId, hash: de.hash });
    }
  }
  return found;
}
