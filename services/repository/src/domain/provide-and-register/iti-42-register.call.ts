import { ACTION, RESPONSE_STATUS, parseRegistryResponse, registryResponseOf, xdsError, type RegistryResponse, type XmlElement } from "@opendsp/ebxml";
import { SoapClientError, callSoap } from "@opendsp/soap";

export interface RegisterCallResult {
  /** The registry's answer as received, or a Failure standing for an answer that never came. */
  readonly response: RegistryResponse;
  /** True only when the registry answered Success: then, and only then, the documents are registered. */
  readonly registered: boolean;
  /** How the exchange ended, for logs: the registry's status, or the client error code. */
  readonly outcome: string;
}

/**
 * Register Document Set-b (ITI-42) as the Document Repository sends it to the registry (ITI TF-2b 3.42): simple SOAP
 * with WS-Addressing, the SubmitObjectsRequest as body. Works against any conformant registry. Never throws for a
 * failed exchange: what went wrong becomes the RegistryResponse that the source gets (ITI TF-2b 3.41.4.2.3:
 * the repository relays the registry's errors, and reports XDSRegistryNotAvailable when it could not reach it).
 */
export async function registerDocumentSet(
  config: { readonly REGISTRY_URL: string; readonly REGISTRY_TIMEOUT_MS: number },
  submitObjectsRequest: XmlElement,
): Promise<RegisterCallResult> {
  let body: XmlElement;
  try {
    const reply = await callSoap({
      url: config.REGISTRY_URL,
      action: ACTION.iti42.request,
      body: submitObjectsRequest,
      timeoutMs: config.REGISTRY_TIMEOUT_MS,
    });
    body = reply.body;
  } catch (err) {
    if (!(err instanceof SoapClientError)) throw err;
    return { response: failure(err), registered: false, outcome: err.code };
  }
  const parsed = parseRegistryResponse(body, { metadataError: "XDSRegistryError" });
  if (!parsed.ok) {
    const response = registryResponseOf([xdsError("XDSRegistryError", "The document registry answered with something other than a RegistryResponse; nothing was stored")]);
    return { response, registered: false, outcome: "unreadable answer" };
  }
  const response = parsed.value;
  // ITI-42 answers Success or Failure (ITI TF-2b 3.42.4.2); anything else is not a registration.
  return { response, registered: response.status === RESPONSE_STATUS.success, outcome: response.status };
}

function failure(err: SoapClientError): RegistryResponse {
  switch (err.code) {
    case "SOAP_CLIENT_UNREACHABLE":
    case "SOAP_CLIENT_TIMEOUT":
      // The peer's address stays out of the answer: it is internal infrastructure, the source only needs the fact.
      return registryResponseOf([
        xdsError(
          "XDSRegistryNotAvailable",
          err.code === "SOAP_CLIENT_TIMEOUT"
            ? "The document registry did not answer in time; the documents were not stored"
            : "The document registry could not be reached; the documents were not stored",
        ),
      ]);
    case "SOAP_CLIENT_FAULT":
      return registryResponseOf([
        xdsError("XDSRegistryError", `The document registry answered with a SOAP Fault: ${err.fault?.reason ?? "no reason given"}`),
      ]);
    case "SOAP_CLIENT_HTTP":
    case "SOAP_CLIENT_MALFORMED":
      return registryResponseOf([
        xdsError(
          "XDSRegistryError",
          `The document registry's answer could not be understood${err.status === undefined ? "" : ` (HTTP ${err.status})`}; the documents were not stored`,
        ),
      ]);
  }
}
