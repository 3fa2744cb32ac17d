import {
  ACTION,
  RESPONSE_STATUS,
  parseRetrieveDocumentSetRequest,
  registryResponseOf,
  writeRetrieveDocumentSetResponse,
} from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import type { RepositoryDeps } from "../../repository-deps.js";
import { retrieveDocuments } from "./retrieve-documents.js";

/**
 * ITI-43 Retrieve Document Set over SOAP (ITI TF-2b 3.43): the body is an xdsb:RetrieveDocumentSetRequest, the
 * answer an xdsb:RetrieveDocumentSetResponse whose documents travel as MTOM parts, one per document, streamed
 * from the blob store (3.43.5.1: MTOM/XOP is required). A request that cannot be read is answered with a
 * Failure listing every error, and no documents.
 */
export function createRetrieveOperation(deps: RepositoryDeps, log: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti43.response,
    async handle({ envelope }) {
      const parsed = parseRetrieveDocumentSetRequest(envelope.body, { metadataError: "XDSRepositoryMetadataError" });
      if (!parsed.ok) {
        log.info({ errors: parsed.errors.length }, "ITI-43 request refused");
        const registryResponse = registryResponseOf(parsed.errors, RESPONSE_STATUS.failure);
        return { body: writeRetrieveDocumentSetResponse({ registryResponse, documentResponses: [] }) };
      }
      const { response, attachments } = await retrieveDocuments(deps, parsed.value.documentRequests, log);
      return { body: writeRetrieveDocumentSetResponse(response), attachments };
    },
  };
}
