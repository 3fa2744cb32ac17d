import { auditRequestContextOf, type AuditRequestContext, type Logger } from "@opendsp/platform";
import type { SoapRequest } from "@opendsp/soap";

/** The audit context of a SOAP request: WS-Addressing and the gateway's headers (malformed ones are logged, not recorded). */
export function soapAuditContext(request: Pick<SoapRequest, "envelope" | "httpHeaders">, path: string, log?: Logger): AuditRequestContext {
  const { addressing } = request.envelope;
  const { context, headerErrors } = auditRequestContextOf({
    headers: request.httpHeaders,
    replyTo: addressing.replyTo,
    messageId: addressing.messageId,
    to: addressing.to,
    path,
  });
  if (headerErrors.length > 0) log?.warn({ code: "REG_AUDIT_HEADER_INVALID", errors: headerErrors }, "a gateway header is malformed; the audit record leaves it out");
  return context;
}
