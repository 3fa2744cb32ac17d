import type { SoapRequest } from "@opendsp/soap";
import type { Logger } from "../logging/logger.js";
import { auditRequestContextOf, type AuditRequestContext } from "./audit-request-context.js";

/**
 * The audit context of a SOAP request: its WS-Addressing fields and the gateway's headers. A malformed gateway header
 * is logged under the service's `code` and left out of the record: the request itself is still answered.
 */
export function soapAuditContext(request: Pick<SoapRequest, "envelope" | "httpHeaders">, path: string, log: Logger | undefined, code: string): AuditRequestContext {
  const { addressing } = request.envelope;
  const { context, headerErrors } = auditRequestContextOf({
    headers: request.httpHeaders,
    replyTo: addressing.replyTo,
    messageId: addressing.messageId,
    to: addressing.to,
    path,
  });
  if (headerErrors.length > 0) log?.warn({ code, errors: headerErrors }, "a gateway header is malformed; the audit record leaves it out");
  return context;
}
