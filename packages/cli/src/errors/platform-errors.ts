import type { RegistryError } from "@opendsp/ebxml";

/** Which part of the platform a request went to, for messages. */
export type PlatformSide = "registry" | "repository";

/** The platform answered a transaction with a RegistryResponse (or AdhocQueryResponse) status other than Success. */
export class XdsTransactionError extends Error {
  override readonly name = "XdsTransactionError";
  /** "ITI-41", "ITI-18", "ITI-43". */
  readonly transaction: string;
  readonly side: PlatformSide;
  /** The status URN as received. */
  readonly status: string;
  readonly errors: readonly RegistryError[];

  constructor(transaction: string, side: PlatformSide, status: string, errors: readonly RegistryError[]) {
    super(`${transaction} answered ${status} with ${errors.length} error(s)`);
    this.transaction = transaction;
    this.side = side;
    this.status = status;
    this.errors = errors;
  }
}

/** An RFC 9457 problem+json answer of the JSON admin API. */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
}

export class ProblemDetailsError extends Error {
  override readonly name = "ProblemDetailsError";
  readonly url: string;
  readonly httpStatus: number;
  readonly problem: ProblemDetails | undefined;

  constructor(url: string, httpStatus: number, problem: ProblemDetails | undefined) {
    super(`${url} answered HTTP ${httpStatus}`);
    this.url = url;
    this.httpStatus = httpStatus;
    this.problem = problem;
  }
}

/** No connection, or no answer in time, from a JSON endpoint (the SOAP side reports SoapClientError). */
export class HttpUnreachableError extends Error {
  override readonly name = "HttpUnreachableError";
  readonly url: string;
  readonly reason: string;
  readonly timedOut: boolean;

  constructor(url: string, reason: string, timedOut: boolean, options?: { cause?: unknown }) {
    super(`${url} could not be reached (${reason})`, options);
    this.url = url;
    this.reason = reason;
    this.timedOut = timedOut;
  }
}

/** The answer is a well-formed message, but not the one the transaction defines (no such document in it, ...). */
export class UnexpectedAnswerError extends Error {
  override readonly name = "UnexpectedAnswerError";
}
