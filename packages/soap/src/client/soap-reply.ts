import { parseSoapEnvelope, type SoapEnvelope } from "../envelope/soap-envelope.js";
import { parseSoapFault, type SoapFaultInfo } from "../envelope/soap-fault.js";
import type { SoapHttpBody } from "../http/read-soap-body.js";
import { SoapClientError } from "./soap-client-error.js";

export interface SoapReplyContext {
  /** The URL that was called, for the errors. */
  readonly url: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** wsa:MessageID of the request, which the reply's wsa:RelatesTo must name when present. */
  readonly messageId: string;
  /** When given, a reply whose wsa:Action differs is SOAP_CLIENT_MALFORMED. */
  readonly responseAction?: string | undefined;
}

/**
 * The checks every outgoing SOAP exchange makes on an answer already read as a SOAP HTTP body (simple or MTOM):
 * a Fault, a non-200 status, an unusable envelope, a reply to another message or with another action, each a
 * SoapClientError with its stable code. Returns the reply's envelope.
 */
export function checkSoapReply(http: SoapHttpBody, context: SoapReplyContext): SoapEnvelope {
  const { url, status, messageId, responseAction } = context;
  let fault: SoapFaultInfo | undefined;
  try {
    fault = parseSoapFault(http.root);
  } catch (cause) {
    if (status !== 200) throw soapHttpError(url, status, cause);
    throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} is not a SOAP 1.2 envelope`, { url, status, cause });
  }
  if (fault) {
    // SOAP 1.2 Part 2 §7.5.1.2: faults come with 400 or 500, but a fault is a fault whatever the status.
    throw new SoapClientError("SOAP_CLIENT_FAULT", `${url} answered with a SOAP Fault (${fault.code}): ${fault.reason}`, { url, status, fault });
  }
  if (status !== 200) throw soapHttpError(url, status, undefined);

  let reply: SoapEnvelope;
  try {
    reply = parseSoapEnvelope(http.root);
  } catch (cause) {
    throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} is not a usable SOAP 1.2 envelope`, { url, status, cause });
  }
  // WS-Addressing 1.0 Core §3.4: a reply names the request it answers in wsa:RelatesTo. Peers that omit it are
  // tolerated (the HTTP exchange pairs them already); one naming another message is not our answer.
  const relatesTo = reply.addressing.relatesTo;
  if (relatesTo && !relatesTo.includes(messageId)) {
    throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} relates to another message than ${messageId}`, { url, status });
  }
  const replyAction = reply.addressing.action;
  if (responseAction !== undefined && replyAction !== undefined && replyAction !== responseAction) {
    throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} has the action ${replyAction}, expected ${responseAction}`, {
      url,
      status,
    });
  }
  return reply;
}

/** SOAP_CLIENT_HTTP: a non-200 answer without a readable SOAP Fault (a proxy page, a crash). */
export function soapHttpError(url: string, status: number, cause: unknown): SoapClientError {
  return new SoapClientError("SOAP_CLIENT_HTTP", `${url} answered HTTP ${status} without a SOAP Fault`, {
    url,
    status,
    ...(cause === undefined ? {} : { cause }),
  });
}
