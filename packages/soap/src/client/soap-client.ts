import type { XmlElement } from "@opendsp/ebxml";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { buildSoapRequest, serializeSoapEnvelope } from "../envelope/build-envelope.js";
import type { SoapEnvelope } from "../envelope/soap-envelope.js";
import { readSoapHttpBody, type SoapHttpBody } from "../http/read-soap-body.js";
import type { MessageLimits } from "../mtom/limits.js";
import { SoapClientError } from "./soap-client-error.js";
import { checkSoapReply, soapHttpError } from "./soap-reply.js";

export interface CallSoapOptions {
  /** The peer's SOAP endpoint; also sent as wsa:To. */
  readonly url: string;
  /** wsa:Action of the request (and the `action` parameter of the Content-Type, RFC 3902). */
  readonly action: string;
  /** The single child of env:Body. */
  readonly body: XmlElement;
  /** Time allowed for the whole exchange: connecting, sending, and reading the answer to its end. */
  readonly timeoutMs: number;
  /** Defaults to a fresh urn:uuid. */
  readonly messageId?: string;
  /** More header blocks after the addressing ones (e.g. WS-Security). */
  readonly extraHeaders?: readonly XmlElement[];
  /** When given, an answer whose wsa:Action differs is SOAP_CLIENT_MALFORMED. */
  readonly responseAction?: string;
  /** Limits on the answer; the defaults of the MTOM reader otherwise. */
  readonly limits?: Partial<MessageLimits>;
  /** Lets the caller abandon the call (reported as SOAP_CLIENT_TIMEOUT, the call did not complete). */
  readonly signal?: AbortSignal;
}

/**
 * One synchronous SOAP 1.2 request-response exchange over HTTP POST (SOAP 1.2 Part 2 §7, the request-response
 * MEP), as XDS.b actors call each other (ITI TF-2x Appendix V): the request is simple SOAP with WS-Addressing
 * (wsa:Action, wsa:MessageID, wsa:ReplyTo anonymous, wsa:To), the answer may be simple SOAP or MTOM (some stacks
 * answer everything as MTOM). Returns the answer's envelope; xop:Includes in an MTOM answer are not resolved (the
 * transactions sent through this client, ITI-42 and ITI-18, carry no attachments) and its parts are discarded.
 * Every failure is a SoapClientError with a stable code; the original error is kept as `cause`.
 */
export async function callSoap(options: CallSoapOptions): Promise<SoapEnvelope> {
  const { url, action } = options;
  if (/["\r\n]/.test(action)) throw new TypeError(`SOAP action ${JSON.stringify(action)} cannot be sent in a Content-Type parameter`);
  const { envelope, messageId } = buildSoapRequest({
    action,
    to: url,
    body: options.body,
    ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
    ...(options.extraHeaders === undefined ? {} : { extraHeaders: options.extraHeaders }),
  });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const aborted = (cause: unknown): SoapClientError =>
    new SoapClientError("SOAP_CLIENT_TIMEOUT", `no complete answer from ${url} within ${options.timeoutMs} ms`, { url, cause });

  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": `application/soap+xml; charset=UTF-8; action="${action}"`,
        accept: "application/soap+xml, multipart/related",
      },
      body: serializeSoapEnvelope(envelope),
      signal,
      redirect: "error",
    });
  } catch (cause) {
    if (signal.aborted) throw aborted(cause);
    // fetch rejects with a TypeError whose cause is the socket or DNS error (ECONNREFUSED, ENOTFOUND, ECONNRESET...).
    throw new SoapClientError("SOAP_CLIENT_UNREACHABLE", `${url} could not be reached (${networkReason(cause)})`, { url, cause });
  }

  const status = response.status;
  const source = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    let http: SoapHttpBody;
    try {
      http = await readSoapHttpBody(source, response.headers.get("content-type") ?? undefined, options.limits ?? {});
    } catch (cause) {
      if (signal.aborted) throw aborted(cause);
      if (status !== 200) throw soapHttpError(url, status, cause);
      throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} is not a SOAP message`, { url, status, cause });
    }
    // The answer is one envelope; any attachment parts are read and discarded so the connection can be reused.
    try {
      await http.drain();
    } catch (cause) {
      if (signal.aborted) throw aborted(cause);
      throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} could not be read to its end`, { url, status, cause });
    }

    return checkSoapReply(http, { url, status, messageId, responseAction: options.responseAction });
  } finally {
    // Whatever was not read (a refused answer, an HTML error page) is released with its connection.
    if (!source.readableEnded) source.destroy();
  }
}

/** The error code of the socket or DNS failure behind a fetch rejection, for the message. */
function networkReason(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (e instanceof AggregateError && e.errors.length > 0) e = e.errors[0];
    else e = e.cause;
  }
  return err instanceof Error ? err.message : String(err);
}
