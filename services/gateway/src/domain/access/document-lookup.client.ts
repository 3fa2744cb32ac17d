import { request, type Dispatcher } from "undici";
import { ConsentUnavailableError } from "./consent-decisions.client.js";

/** What the registry knows of a registered document (POST /api/documents/lookup), one item per DocumentEntry. */
export interface RegisteredDocument {
  readonly uniqueId: string;
  readonly repositoryUniqueId: string;
  readonly patientId: string;
  readonly status: string;
  /** XCN.1 of the entry's authorPersons. */
  readonly authorIds: readonly string[];
}

/** Ids per lookup call: the registry's limit. */
const BATCH = 1000;

/**
 * Whose documents an ITI-43 request asks for, from the registry: the repository knows bytes, not patients. A failure
 * is a ConsentUnavailableError: without the patients nothing can be decided, so the request is refused.
 */
export async function lookUpDocuments(agent: Dispatcher, registryBase: string, uniqueIds: readonly string[], timeoutMs: number): Promise<RegisteredDocument[]> {
  const found: RegisteredDocument[] = [];
  const distinct = [...new Set(uniqueIds)];
  for (let at = 0; at < distinct.length; at += BATCH) {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${registryBase}/api/documents/lookup`, {
        dispatcher: agent,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ documentUniqueIds: distinct.slice(at, at + BATCH) }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new ConsentUnavailableError("the registry's document lookup could not be reached", { cause: err });
    }
    const body = (await response.body.json().catch(() => undefined)) as { documents?: unknown } | undefined;
    if (response.statusCode !== 200 || !Array.isArray(body?.documents)) {
      throw new ConsentUnavailableError(`the registry's document lookup answered ${response.statusCode}`);
    }
    found.push(...(body.documents as RegisteredDocument[]));
  }
  return found;
}
