import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Readable } from "node:stream";
import { request as upstreamRequest, type Dispatcher } from "undici";
import { BodyTooLargeError, cappedBody } from "../domain/upstream/capped-body.js";
import { ACTOR_HEADER, encodeActorHeader } from "@opendsp/platform";
import { apiCallerOf, patientOfConsentWrite } from "../domain/access/api-caller.js";
import { endToEndHeaders, firstValue, forwardedFor, setByGatewayOnly } from "../domain/upstream/forwarded-headers.js";
import { describeUpstreamFailure } from "../domain/upstream/upstream-failure.js";
import type { UpstreamName } from "../domain/routing/soap-routes.js";
import type { GatewayConfig } from "../config.js";
import type { GatewayDeps } from "../gateway-deps.js";
import type { RequestContext } from "../request-context.js";

const PROBLEM = "application/problem+json";
const METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"] as const;
// A "." or ".." segment, also percent-encoded.
const DOT_SEGMENT = /\/(\.|%2e){1,2}(\/|$)/i;

/** JSON APIs served by a service behind the gateway, by path prefix (openapi/ describes each). */
const API_ROUTES: readonly { readonly prefix: string; readonly upstream: UpstreamName }[] = [
  { prefix: "/api/patients", upstream: "registry" },
  { prefix: "/api/consent", upstream: "consent" },
];
/** The consent decision API answers the gateway only: from outside it would tell anyone who may see whose record. */
const INTERNAL_PATHS = /^\/api\/consent\/decisions(\/|\?|$)/;

/**
 * The JSON APIs under /api/, proxied to the service that owns them: method, path, query and body go through
 * unchanged (the body streamed, capped at GATEWAY_MAX_API_BODY_BYTES), the answer comes back with its status,
 * problem+json included. An unreachable service is a 502 problem, a silent one a 504. Calls to the consent API carry
 * the caller's XUA assertion in Authorization (domain/access/api-caller.ts); the gateway passes the verified party in
 * X-OpenDSP-Actor, and a successful change of a patient's rules drops the consent decisions it holds for them.
 */
export function registerApiProxyRoutes(app: FastifyInstance, deps: GatewayDeps, context: RequestContext): void {
  const { config } = deps;
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, parsed) => {
      parsed(null, payload);
    });
    for (const api of API_ROUTES) {
      for (const url of [api.prefix, `${api.prefix}/*`]) {
        // Patient ids travel in these URLs: only warnings and errors are logged for them (or less, if so configured).
        scope.route({ method: [...METHODS], url, logLevel: atLeastWarn(config.LOG_LEVEL), handler: (request, reply) => proxyApiRequest(api.upstream, request, reply, deps, context) });
      }
    }
    done();
  });
}

/**
 * One JSON API call proxied to a service. The consent and audit APIs authenticate their caller here (the assertion
 * stays at the gateway; the service gets the verified party in X-OpenDSP-Actor); the audit API, a patient's access
 * history, answers nobody anonymous.
 */
export async function proxyApiRequest(upstream: UpstreamName, request: FastifyRequest, reply: FastifyReply, deps: GatewayDeps, context: RequestContext): Promise<FastifyReply> {
  const { config, upstreams, metrics } = deps;
  const requestId = context.id(request);
  const label = (outcome: "ok" | "upstream-fault" | "refused" | "upstream-error"): void => context.label(request, { endpoint: "api", action: request.method, outcome });
  const maxBytes = config.GATEWAY_MAX_API_BODY_BYTES;
  const target = request.raw.url ?? request.url;
  if (DOT_SEGMENT.test(target.split("?")[0] ?? "")) {
    // RFC 3986 §5.2.4: dot segments would let the path leave the API's prefix once resolved upstream.
    label("refused");
    return problem(reply, 400, "urn:opendsp:problem:invalid-path", "Invalid path", "The path must not contain . or .. segments");
  }
  const path = target.split("?")[0] ?? "";
  let actorHeader: string | undefined;
  if (upstream === "consent" || upstream === "audit") {
    if (upstream === "consent" && INTERNAL_PATHS.test(path)) {
      label("refused");
      return problem(reply, 404, "urn:opendsp:problem:not-found", "Not found", "No such API");
    }
    const caller = apiCallerOf(firstValue(request.headers.authorization), deps.xua, deps.roles);
    if (caller.kind === "refused" || (caller.kind === "anonymous" && upstream === "audit")) {
      label("refused");
      const detail = caller.kind === "refused" ? caller.detail : "The access history needs `Authorization: SAML <base64url of a signed SAML 2.0 assertion>`";
      return problem(reply.header("www-authenticate", 'SAML realm="opendsp"'), 401, "urn:opendsp:problem:unauthenticated", "Not authenticated", detail);
    }
    if (caller.kind === "actor") actorHeader = encodeActorHeader(caller.actor);
  }
  const hasBody = request.headers["content-length"] !== undefined || request.headers["transfer-encoding"] !== undefined;
  if (Number(request.headers["content-length"]) > maxBytes) {
    label("refused");
    return problem(reply.header("connection", "close"), 413, "urn:opendsp:problem:body-too-large", "Request body too large", `The body is larger than the ${maxBytes} bytes accepted`);
  }
  const abort = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  let response: Dispatcher.ResponseData;
  try {
    response = await upstreamRequest(`${upstreams.base(upstream)}${target}`, {
      dispatcher: upstreams.agent,
      method: request.method,
      headers: {
        ...endToEndHeaders(request.headers, (lower) => setByGatewayOnly(lower) || ((upstream === "consent" || upstream === "audit") && lower === "authorization")),
        ...forwardedFor(request.headers, request.ip, request.protocol),
        "x-request-id": requestId,
        ...(actorHeader === undefined ? {} : { [ACTOR_HEADER]: actorHeader }),
      },
      body: hasBody ? Readable.from(cappedBody(request.raw, maxBytes), { objectMode: false }) : null,
      signal: abort.signal,
    });
  } catch (err) {
    if (err instanceof BodyTooLargeError || (err as { cause?: unknown }).cause instanceof BodyTooLargeError) {
      label("refused");
      return problem(reply.header("connection", "close"), 413, "urn:opendsp:problem:body-too-large", "Request body too large", `The body is larger than the ${maxBytes} bytes accepted`);
    }
    label("upstream-error");
    if (abort.signal.aborted) return reply;
    const failure = describeUpstreamFailure(err, upstream, {
      connectMs: config.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS,
      headersMs: config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS,
    });
    metrics.upstreamError(upstream, failure.reason);
    request.log.warn({ requestId, upstream, reason: failure.reason, err }, "service call failed");
    const [status, type, title] = failure.reason === "timeout" ? [504, "urn:opendsp:problem:upstream-timeout", "Service timeout"] as const : [502, "urn:opendsp:problem:upstream-unavailable", "Service unavailable"] as const;
    return problem(request.raw.complete ? reply : reply.header("connection", "close"), status, type, title, failure.description);
  }
  label(response.statusCode < 400 ? "ok" : "upstream-fault");
  const changedPatient = upstream === "consent" && response.statusCode < 300 ? patientOfConsentWrite(request.method, path) : undefined;
  if (changedPatient !== undefined) deps.consentDecisions?.forgetPatient(changedPatient);
  return reply
    .code(response.statusCode)
    .headers({ ...endToEndHeaders(response.headers, (lower) => lower === "date" || lower === "x-request-id"), "x-request-id": requestId })
    .send(response.body);
}

function problem(reply: FastifyReply, status: number, type: string, title: string, detail: string): FastifyReply {
  return reply.code(status).type(PROBLEM).send({ type, title, status, detail });
}

/** The log level of routes whose URLs hold patient ids. */
export function atLeastWarn(level: GatewayConfig["LOG_LEVEL"]): "warn" | "error" | "fatal" | "silent" {
  return level === "error" || level === "fatal" || level === "silent" ? level : "warn";
}
