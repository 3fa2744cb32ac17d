import { ACTION } from "@opendsp/ebxml";
import { SoapError, requireAddressing, soapFaultFromError, type SoapFaultOptions } from "@opendsp/soap";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import { encodeActorHeader, encodeGrantHeader, formatAccessHeader } from "@opendsp/platform";
import { actorOfCaller } from "../domain/access/actor-of-caller.js";
import { edgeRefusalRecord } from "../domain/audit/edge-refusal.audit.js";
import { accessAttributeOf, actorAttributeOf, denialAttributeOf, grantAttributeOf } from "../domain/edge/consent.step.js";
import { runEdgeSteps, type EdgeRefusal } from "../domain/edge/edge-step.js";
import { userOf } from "../domain/edge/xua.step.js";
import { systemOf } from "../domain/edge/mutual-tls.step.js";
import { AnswerRelay } from "../domain/upstream/answer-relay.js";
import { BodyTooLargeError, cappedBody, discardBody } from "../domain/upstream/capped-body.js";
import { answerFields, forwardedRequestFields } from "../domain/upstream/forwarded-headers.js";
import { RequestBody } from "../domain/upstream/request-body.js";
import { describeUpstreamFailure } from "../domain/upstream/upstream-failure.js";
import { SOAP_ROUTES, requestActions, transactionOf, type SoapRoute, type SoapUpstream, type UpstreamName } from "../domain/routing/soap-routes.js";
import type { GatewayDeps } from "../gateway-deps.js";
import type { Outcome } from "../metrics/gateway-metrics.js";
import { requestIdOf } from "../request-id.js";
import { sendSoapFault } from "./soap-fault.reply.js";
import { peekSoapRequest } from "./soap-request.peek.js";

const SERVICE_NAME: Record<UpstreamName, string> = { registry: "document registry", repository: "document repository", consent: "consent service", audit: "audit service" };
/** Bytes of a refused request read and discarded to keep the connection; past that the connection is closed. */
const DISCARD_BUDGET = 1024 * 1024;

/** Takes the request when it is a POST to a SOAP endpoint (returns true), otherwise leaves it to the router. */
export type SoapEndpointHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

interface SoapEndpoint {
  readonly route: SoapRoute;
  readonly actions: readonly string[];
  /** Where the service serves the endpoint: origin, and path under the service's base URL. */
  readonly origin: string;
  readonly path: string;
}

/**
 * POST /xds/registry and /xds/repository, served on node:http before Fastify's routing: this is the gateway's hot
 * path, and each layer between the two sockets costs CPU on every request (an ITI-18 answer of 130 KB went through
 * Fastify's reply, an undici body stream and a pipe). The request's wsa:Action is read from the first bytes of the
 * body (packages/soap peek), checked against the endpoint's transactions (ITI TF-2x V.3.2; a missing, unknown or
 * other endpoint's Action is a Fault and nothing is forwarded), passed through the edge steps, then the body (the
 * bytes read, then the rest as it arrives) goes to the service and the service's answer is written back as it comes.
 * GET <endpoint>?wsdl stays a Fastify route (wsdl.route.ts).
 */
export function createSoapEndpointHandler(deps: GatewayDeps): SoapEndpointHandler {
  const endpoints = new Map<string, SoapEndpoint>();
  for (const route of SOAP_ROUTES) {
    const target = new URL(`${deps.upstreams.base(route.upstream)}${route.path}`);
    endpoints.set(route.path, { route, actions: requestActions(route), origin: target.origin, path: `${target.pathname}${target.search}` });
  }
  return (req, res) => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const endpoint = endpoints.get(query === -1 ? url : url.slice(0, query));
    if (endpoint === undefined) return false;
    const requestId = requestIdOf(req.headers["x-request-id"]);
    forwardSoapRequest(endpoint, req, res, requestId, deps).catch((err: unknown) => {
      // A failure of the gateway itself, not of the request or the service: a generic Receiver Fault if still possible.
      deps.logger.error({ requestId, endpoint: endpoint.route.path, err }, "soap request failed in the gateway");
      if (res.headersSent) res.destroy();
      else void sendSoapFault(res, soapFaultFromError(err), "simple", true, requestId);
    });
    return true;
  };
}

async function forwardSoapRequest(endpoint: SoapEndpoint, req: IncomingMessage, res: ServerResponse, requestId: string, deps: GatewayDeps): Promise<void> {
  const { config, upstreams, metrics, logger } = deps;
  const { route } = endpoint;
  const start = performance.now();
  const contentType = req.headers["content-type"];
  const format = (contentType ?? "").trim().toLowerCase().startsWith("multipart/related") ? "mtom" : "simple";
  const maxBytes = config.GATEWAY_MAX_SOAP_MESSAGE_BYTES;

  // One metric observation and one log line per request, once its answer is over and its outcome known (the client
  // may go away before the outcome is).
  let labels: { endpoint: SoapUpstream; action: string; outcome: Outcome } | undefined;
  // The calling system's id once the edge established it (mutual TLS), for the log line; never who the patient is.
  let system: string | undefined = undefined;
  let closed = false;
  const account = (): void => {
    if (!closed || labels === undefined) return;
    const ms = performance.now() - start;
    metrics.observe(labels, ms / 1000);
    logger.info({ requestId, ...labels, ...(system === undefined ? {} : { system }), status: res.statusCode, ms: Math.round(ms) }, "gateway request");
    labels = undefined;
  };
  const label = (action: string | undefined, outcome: Outcome): void => {
    labels = { endpoint: route.upstream, action: transactionOf(action), outcome };
    account();
  };
  // The wait for the answer starts once the whole request has been sent: a timer running during a long upload from
  // a slow client would cut it. The client going away stops the call too (and with it the rest of the upload).
  let action: string | undefined;
  let cancelled: "client-gone" | "silence" | undefined;
  let answerTimer: NodeJS.Timeout | undefined;
  const answering = new AnswerRelay(res, {
    fields: (headers) => answerFields(headers, requestId),
    onRequestSent: () => {
      answerTimer = setTimeout(() => {
        cancelled ??= "silence";
        answering.abort(new Error("the service did not answer in time"));
      }, config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS);
    },
    onBrokenAnswer: (err) => {
      metrics.upstreamError(route.upstream, "connection-lost");
      logger.warn({ requestId, endpoint: route.path, transaction: transactionOf(action), err }, "service answer broke off");
    },
  });
  res.once("close", () => {
    closed = true;
    if (!res.writableFinished && cancelled === undefined) {
      cancelled = "client-gone";
      answering.abort(new Error("the client went away"));
    }
    account();
  });

  const refuse = async (fault: SoapFaultOptions, why: string, body: AsyncIterable<Buffer> | undefined, action?: string): Promise<void> => {
    const drained = body === undefined ? false : await discardBody(body, DISCARD_BUDGET);
    logger.info({ requestId, endpoint: route.path, transaction: transactionOf(action), fault: fault.code, why }, "soap request refused at the edge");
    await sendSoapFault(res, fault, format, !drained, requestId);
    label(action, "refused");
  };
  const tooLarge = (relatesTo: { relatesTo?: string }): SoapFaultOptions =>
    soapFaultFromError(new SoapError("MTOM_LIMIT", `The message is larger than the ${maxBytes} bytes accepted`), relatesTo);

  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) return refuse(tooLarge({}), "too large", undefined);

  const peeked = await peekSoapRequest(req, contentType, {
    maxPrefixBytes: config.GATEWAY_MAX_HEADER_PREFIX_BYTES,
    ...(Number.isSafeInteger(declared) ? { contentLength: declared } : {}),
  });
  if (!peeked.ok) return refuse(soapFaultFromError(peeked.error), peeked.error.code, peeked.body);
  const { action: peekedAction, messageId } = peeked.addressing;
  const relatesTo = messageId === undefined ? {} : { relatesTo: messageId };
  try {
    action = requireAddressing({ ...peeked.addressing, problems: [...peeked.addressing.problems] }, { expectedActions: [...endpoint.actions] });
  } catch (err) {
    return refuse(soapFaultFromError(err, relatesTo), err instanceof SoapError ? err.code : "addressing", peeked.body, peekedAction);
  }
  const transaction = route.transactions.find((t) => ACTION[t].request === action) ?? route.transactions[0];
  if (transaction === undefined) throw new Error(`route ${route.path} has no transactions`);

  const attributes = new Map<string, unknown>();
  // Every refusal once the transaction is known is audited (ATNA: the access history shows attempts too).
  const audit = (refusal: EdgeRefusal, step: string | undefined): void => {
    const record = edgeRefusalRecord({
      transaction,
      refusal,
      step,
      requestor: actorAttributeOf(attributes) ?? actorOfCaller(userOf(attributes), systemOf(attributes), deps.roles),
      auditSourceId: config.GATEWAY_AUDIT_SOURCE_ID,
      messageId,
      clientAddress: req.socket.remoteAddress,
    });
    if (record === undefined) return;
    try {
      deps.auditTrail.record(record);
    } catch (err) {
      logger.error({ requestId, eventId: record.eventId, err }, "audit record of a refusal could not be handed over");
    }
  };
  const body = new RequestBody(peeked.body, peeked.whole);
  const decision = await runEdgeSteps(deps.edgeSteps, {
    requestId,
    upstream: route.upstream,
    transaction,
    action,
    messageId,
    headers: req.headers,
    headerBytes: peeked.headerBytes,
    contentType,
    body,
    socket: req.socket,
    attributes,
  });
  system = systemOf(attributes)?.id;
  if (decision.kind === "refuse") {
    audit(decision, decision.step);
    return refuse({ ...decision.fault, ...relatesTo }, `edge step ${decision.step ?? ""}: ${decision.reason}`, body.stream(), action);
  }
  const actor = actorAttributeOf(attributes);
  const access = accessAttributeOf(attributes);
  const grant = grantAttributeOf(attributes);
  const denial = denialAttributeOf(attributes);
  if (denial !== undefined) audit(denial, "consent");
  const whole = body.whole();

  const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
  upstreams.agent.dispatch(
    {
      origin: endpoint.origin,
      path: endpoint.path,
      method: "POST",
      headers: forwardedRequestFields(req.rawHeaders, req.headers, req.socket.remoteAddress ?? "", encrypted ? "https" : "http", requestId, {
        systemId: system,
        securityVerified: userOf(attributes) !== undefined,
        actor: actor === undefined ? undefined : encodeActorHeader(actor),
        access: access === undefined ? undefined : formatAccessHeader(access),
        grant: grant === undefined ? undefined : encodeGrantHeader(grant),
      }),
      body: whole !== undefined && whole.length <= maxBytes ? whole : Readable.from(cappedBody(body.stream(), maxBytes), { objectMode: false }),
      headersTimeout: 0,
    },
    answering,
  );
  const outcome = await answering.outcome;
  clearTimeout(answerTimer);
  if (outcome.kind === "answering") return label(action, outcome.statusCode < 300 ? "ok" : "upstream-fault");

  const err = outcome.error;
  if (err instanceof BodyTooLargeError || err.cause instanceof BodyTooLargeError) {
    audit({ code: "GW_MESSAGE_TOO_LARGE", reason: `message larger than ${maxBytes} bytes` }, undefined);
    return refuse(tooLarge(relatesTo), "too large", undefined, action);
  }
  if (cancelled === "client-gone") {
    logger.info({ requestId, endpoint: route.path, transaction }, "the client went away before the answer");
    return label(action, "upstream-error");
  }
  const failure =
    cancelled === "silence"
      ? { reason: "timeout" as const, description: `The ${SERVICE_NAME[route.upstream]} did not answer within ${config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS} ms` }
      : describeUpstreamFailure(err, SERVICE_NAME[route.upstream], {
          connectMs: config.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS,
          headersMs: config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS,
        });
  metrics.upstreamError(route.upstream, failure.reason);
  logger.warn({ requestId, endpoint: route.path, transaction, upstream: route.upstream, reason: failure.reason, err }, "service call failed");
  await sendSoapFault(res, { code: "Receiver", reason: failure.description, ...relatesTo }, format, !req.complete, requestId);
  label(action, "upstream-error");
}
