import type { SoapFaultInfo } from "../envelope/soap-fault.js";

/**
 * Why a SOAP call failed, as a caller decides what to do about it:
 * - SOAP_CLIENT_UNREACHABLE: no connection (refused, DNS, reset before an answer): the peer is not available.
 * - SOAP_CLIENT_TIMEOUT: no complete answer within the time allowed.
 * - SOAP_CLIENT_FAULT: the peer answered with a SOAP Fault (`fault` holds it).
 * - SOAP_CLIENT_HTTP: a non-200 HTTP status without a readable SOAP Fault (a proxy page, a crash).
 * - SOAP_CLIENT_MALFORMED: a 200 answer that is no usable SOAP 1.2 reply (unreadable, wrong wsa:RelatesTo, ...).
 */
export type SoapClientErrorCode =
  | "SOAP_CLIENT_UNREACHABLE"
  | "SOAP_CLIENT_TIMEOUT"
  | "SOAP_CLIENT_FAULT"
  | "SOAP_CLIENT_HTTP"
  | "SOAP_CLIENT_MALFORMED";

/**
 * A failed outgoing SOAP call. Deliberately not a SoapError: a SoapError describes a faulty *incoming* message and
 * its text is sent back to that message's sender (soapFaultFromError), whereas this one is our own failure towards
 * a peer; should it ever reach a fault handler it must become a generic Receiver fault, never leak the peer's URL.
 */
export class SoapClientError extends Error {
  override readonly name = "SoapClientError";
  readonly code: SoapClientErrorCode;
  /** The URL that was called. */
  readonly url: string;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** The peer's fault (SOAP_CLIENT_FAULT only). */
  readonly fault: SoapFaultInfo | undefined;

  constructor(
    code: SoapClientErrorCode,
    message: string,
    options: { url: string; status?: number; fault?: SoapFaultInfo; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.url = options.url;
    this.status = options.status;
    this.fault = options.fault;
  }
}
