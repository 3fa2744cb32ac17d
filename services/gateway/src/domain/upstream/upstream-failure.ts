/** Why a call to a service failed, as a bounded metric label and a sentence for the caller. */
export interface UpstreamFailure {
  readonly reason: "unreachable" | "timeout" | "connection-lost" | "error";
  readonly description: string;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const TIMEOUTS = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
const LOST = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

/** Classifies an undici error (its code, or its cause's for fetch-style wrappers). */
export function describeUpstreamFailure(err: unknown, service: string, timeouts: { connectMs: number; headersMs: number }): UpstreamFailure {
  const code = errorCode(err) ?? errorCode((err as { cause?: unknown } | undefined)?.cause);
  if (code !== undefined && UNREACHABLE.has(code)) return { reason: "unreachable", description: `The ${service} could not be reached (${code})` };
  if (code === "UND_ERR_CONNECT_TIMEOUT") return { reason: "timeout", description: `The ${service} could not be reached within ${timeouts.connectMs} ms` };
  if (code !== undefined && TIMEOUTS.has(code)) return { reason: "timeout", description: `The ${service} did not answer within ${timeouts.headersMs} ms` };
  if (code !== undefined && LOST.has(code)) return { reason: "connection-lost", description: `The connection to the ${service} was lost before its answer (${code})` };
  return { reason: "error", description: `The ${service} could not be called` };
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
