import {
  ACTION,
  RESPONSE_STATUS,
  parseRetrieveDocumentSetRequest,
  registryResponseOf,
  writeRetrieveDocumentSetResponse,
  xdsError,
} from "@opendsp/ebxml";
import { ACCESS_HEADER, AccessHeaderError, appendAuditRecord, parseAccessHeader, soapAuditContext, type Logger } from "@opendsp/platform";
import { SoapError, type MtomAttachmentSource, type SoapOperation, type SoapRequest } from "@opendsp/soap";
import { outcomeOfStatus, repositoryAuditRecord } from "../../audit/repository-audit-record.js";
import type { RepositoryDeps } from "../../repository-deps.js";
import { REPOSITORY_SOAP_PATH } from "../../repository-soap-path.js";
import { retrieveDocuments } from "./retrieve-documents.js";

/**
 * ITI-43 Retrieve Document Set over SOAP (ITI TF-2b 3.43): the body is an xdsb:RetrieveDocumentSetRequest, the
 * answer an xdsb:RetrieveDocumentSetResponse whose documents travel as MTOM parts, one per document, streamed
 * from the blob store (3.43.5.1: MTOM/XOP is required). A request that cannot be read is answered with a
 * Failure listing every error, and no documents.
 *
 * The gateway's access restriction (X-OpenDSP-Access) is read first. Of it the repository applies only
 * hiddenDocumentUniqueIds: the gateway has already matched each requested document against the patient's consent,
 * its patients and its author exemption, and lists there every requested document the actor may not see. patientIds
 * and authorId are for the registry's queries and are ignored here (the repository keeps no patient per document).
 * A malformed header is a Sender Fault: the request is not the one the gateway meant to let through, and running it
 * unrestricted could deliver what it meant to hide.
 */
export function createRetrieveOperation(deps: RepositoryDeps, log: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti43.response,
    async handle(request) {
      const { envelope, httpHeaders } = request;
      const hidden = hiddenDocumentsOf(httpHeaders);
      const context = soapAuditContext(request, REPOSITORY_SOAP_PATH, log, "REPO_AUDIT_HEADER_INVALID");
      const parsed = parseRetrieveDocumentSetRequest(envelope.body, { metadataError: "XDSRepositoryMetadataError" });
      if (!parsed.ok) {
        log.info({ errors: parsed.errors.length }, "ITI-43 request refused");
        const record = repositoryAuditRecord(deps.config, context, {
          transaction: "ITI-43",
          outcome: "serious-failure",
          patientIds: [],
          documents: [],
          failureCodes: parsed.errors.map((e) => e.errorCode),
        });
        await appendAuditRecord(deps.db, record).then(deps.auditWritten, (err: unknown) => log.error({ err, eventId: record.eventId }, "ITI-43: the audit record of a refused request could not be written"));
        const registryResponse = registryResponseOf(parsed.errors, RESPONSE_STATUS.failure);
        return { body: writeRetrieveDocumentSetResponse({ registryResponse, documentResponses: [] }) };
      }
      const { response, attachments, patientIds } = await retrieveDocuments(deps, parsed.value.documentRequests, log, hidden);
      // ITI TF-2b 3.43.5.1.2: the export is audited with each document returned; unknown or hidden ones make it a failure.
      const record = repositoryAuditRecord(deps.config, context, {
        transaction: "ITI-43",
        outcome: outcomeOfStatus(response.registryResponse.status),
        patientIds,
        documents: response.documentResponses.map((d) => ({ uniqueId: d.documentUniqueId, homeCommunityId: d.homeCommunityId })),
        failureCodes: response.registryResponse.errors.map((e) => e.errorCode),
      });
      try {
        await appendAuditRecord(deps.db, record);
      } catch (err) {
        // Nothing is served unaudited: the opened documents are closed and the request refused.
        log.error({ err, eventId: record.eventId }, "ITI-43: the audit record could not be written; nothing is served");
        closeAll(attachments);
        const error = xdsError("XDSRepositoryError", "The repository cannot record the retrieval; nothing was served");
        return { body: writeRetrieveDocumentSetResponse({ registryResponse: registryResponseOf([error], RESPONSE_STATUS.failure), documentResponses: [] }) };
      }
      deps.auditWritten();
      return { body: writeRetrieveDocumentSetResponse(response), attachments };
    },
  };
}

/** The uniqueIds the request's access restriction hides (none without the header), or a SOAP Fault (Sender). */
function hiddenDocumentsOf(headers: SoapRequest["httpHeaders"]): ReadonlySet<string> {
  try {
    return new Set(parseAccessHeader(headers[ACCESS_HEADER])?.hiddenDocumentUniqueIds);
  } catch (err) {
    if (!(err instanceof AccessHeaderError)) throw err;
    throw new SoapError("SOAP_HTTP_HEADER", `The access restriction is malformed: ${err.message}`, { faultCode: "Sender", cause: err });
  }
}

/** Streams opened for the answer that will not be sent. */
function closeAll(attachments: readonly MtomAttachmentSource[]): void {
  for (const attachment of attachments) {
    if (typeof attachment.body === "object" && "destroy" in attachment.body) attachment.body.destroy();
  }
}
