import type { RegistryError } from "@opendsp/ebxml";
import { SoapClientError } from "@opendsp/soap";
import { CommanderError } from "commander";
import { CliError, EXIT_CODE } from "./cli-error.js";
import { HttpUnreachableError, ProblemDetailsError, UnexpectedAnswerError, XdsTransactionError } from "./platform-errors.js";

export interface DescribedError {
  /** One line, without the "opendsp: " prefix. */
  readonly message: string;
  readonly exitCode: number;
}

const START_HINT = "is it running? start it with `pnpm start`";

/** Turns any failure into the one-line message and exit code the user gets. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof CommanderError) return { message: stripCommanderPrefix(err.message), exitCode: EXIT_CODE.usage };
  if (err instanceof XdsTransactionError) return { message: transactionMessage(err), exitCode: EXIT_CODE.refused };
  if (err instanceof ProblemDetailsError) return { message: problemMessage(err), exitCode: EXIT_CODE.refused };
  if (err instanceof HttpUnreachableError) {
    return {
      message: err.timedOut
        ? `no answer from OpenDSP at ${platformBaseOf(err.url)} in time (${err.reason}): is it overloaded? retry, or allow more with --timeout`
        : `cannot reach OpenDSP at ${platformBaseOf(err.url)} (${err.reason}): ${START_HINT}`,
      exitCode: EXIT_CODE.unreachable,
    };
  }
  if (err instanceof SoapClientError) return soapClientMessage(err);
  if (err instanceof UnexpectedAnswerError) return { message: err.message, exitCode: EXIT_CODE.refused };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected failure: ${oneLine(message)}`, exitCode: EXIT_CODE.refused };
}

function soapClientMessage(err: SoapClientError): DescribedError {
  const base = platformBaseOf(err.url);
  switch (err.code) {
    case "SOAP_CLIENT_UNREACHABLE":
      return { message: `cannot reach OpenDSP at ${base} (${networkReason(err.cause) ?? "no connection"}): ${START_HINT}`, exitCode: EXIT_CODE.unreachable };
    case "SOAP_CLIENT_TIMEOUT":
      return {
        message: `no answer from OpenDSP at ${base} in time (${err.url}): is it overloaded? retry, or allow more with --timeout`,
        exitCode: EXIT_CODE.unreachable,
      };
    case "SOAP_CLIENT_FAULT": {
      const fault = err.fault;
      const code = fault ? [fault.code, ...fault.subcodes].join(" / ") : "unknown code";
      const reason = fault ? oneLine(fault.reason) : "no reason given";
      return { message: `the ${sideOf(err.url)} answered with a SOAP Fault: ${code}: ${reason}`, exitCode: EXIT_CODE.refused };
    }
    case "SOAP_CLIENT_HTTP":
      return {
        message: `${err.url} answered HTTP ${err.status ?? "?"} without a SOAP answer: is ${base} an OpenDSP platform (check --url)?`,
        exitCode: EXIT_CODE.refused,
      };
    case "SOAP_CLIENT_MALFORMED":
      return { message: `${oneLine(err.message)}${causeText(err.cause)}`, exitCode: EXIT_CODE.refused };
  }
}

function transactionMessage(err: XdsTransactionError): string {
  const what =
    err.transaction === "ITI-41"
      ? "the repository refused the submission"
      : err.transaction === "ITI-43"
        ? "the repository could not return the document"
        : `the ${err.side} refused the query`;
  const status = statusName(err.status);
  const errors = err.errors.length > 0 ? err.errors.map(registryErrorText).join("; ") : "no RegistryError given";
  return `${what} (${err.transaction} ${status}): ${errors}`;
}

/** "XDSUnknownPatientId: The patient id is not known (at Document01)"; a warning says so. */
export function registryErrorText(e: RegistryError): string {
  const warning = e.severity.endsWith(":Warning") ? " [warning]" : "";
  const location = e.location ? ` (at ${oneLine(e.location)})` : "";
  return `${e.errorCode || "no errorCode"}${warning}: ${oneLine(e.codeContext || e.value || "no codeContext")}${location}`;
}

function problemMessage(err: ProblemDetailsError): string {
  const p = err.problem;
  if (!p) return `${err.url} answered HTTP ${err.httpStatus} without problem details: is ${platformBaseOf(err.url)} an OpenDSP platform (check --url)?`;
  const title = p.title ?? "request refused";
  const detail = p.detail ? `: ${oneLine(p.detail)}` : "";
  const type = p.type ? `, ${p.type}` : "";
  return `the patient admin API refused the request: ${title}${detail} (HTTP ${err.httpStatus}${type})`;
}

/** The last segment of a status URN: Success, Failure, PartialSuccess. */
export function statusName(status: string): string {
  if (!status) return "without status";
  return status.slice(status.lastIndexOf(":") + 1);
}

/** The platform's base URL in a request URL: what the user configured, without the endpoint path. */
export function platformBaseOf(url: string): string {
  const m = /^(.*?)(\/xds\/(registry|repository)|\/api\/patients(\/.*)?)$/.exec(url);
  return m?.[1] ?? url;
}

function sideOf(url: string): string {
  if (url.endsWith("/xds/registry")) return "registry";
  if (url.endsWith("/xds/repository")) return "repository";
  return "platform";
}

/** The socket or DNS error code behind a fetch failure (ECONNREFUSED, ENOTFOUND, ...), else its innermost message. */
export function networkReason(err: unknown): string | undefined {
  let e: unknown = err;
  let innermost: Error | undefined;
  for (let depth = 0; depth < 6 && e instanceof Error; depth++) {
    innermost = e;
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string" && !code.startsWith("SOAP_")) return code;
    e = e instanceof AggregateError && e.errors.length > 0 ? e.errors[0] : e.cause;
  }
  return innermost ? oneLine(innermost.message) : undefined;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? ` (${oneLine(cause.message)})` : "";
}

function stripCommanderPrefix(message: string): string {
  return oneLine(message.replace(/^error:\s*/, ""));
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
