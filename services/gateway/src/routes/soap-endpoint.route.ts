import { ACTION } from "@opendsp/ebxml";
import { SoapError, peekSoapMessage, requireAddressing, soapFaultFromError, type SoapFaultOptions } from "@opendsp/soap";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Readable } from "node:stream";
import { request as upstreamRequest, type Dispatcher } from "undici";
import { runEdgeSteps } from "../domain/edge/edge-step.js";
import { BodyTooLargeError, cappedBody, discardBody, notifyEnd } from "../domain/upstream/capped-body.js";
import { endToEndHeaders, forwardedFor } from "../domain/upstream/forwarded-headers.js";
import { describeUpstreamFailure } from "../domain/upstream/upstream-failure.js";
import { SOAP_ROUTES, requestActions, transactionOf, type SoapRoute, type UpstreamName } from "../domain/routing/soap-routes.js";
import type { GatewayDeps } from "../gateway-deps.js";
import type { RequestContext } from "../request-context.js";
import { sendSoapFault } from "./soap-fault.reply.js";
import { registerWsdlRoute } from "./wsdl.route.js";

const SERVICE_NAME: Record<UpstreamName, string> = { registry: "document registry", repository: "document repository" };
/** Bytes of a refused request read and discarded to keep the connection; past that the connection is closed. */
const DISCARD_BUDGET = 1024 * 1024;

/**
 * POST /xds/registry and /xds/repository: the request's wsa:Action is read from the first bytes of the body
 * (packages/soap peek), checked against the endpoint's transactions (ITI TF-2x V.3.2; a missing, unknown or
 * other endpoint's Action is a Fault and nothing is forwarded), passed through the edge steps, then the body
 * (the bytes read, then the rest as it arrives) is streamed to the service and the service's answer streamed back.
 * GET <endpoint>?wsdl serves the endpoint's WSDL.
 */
export function registerSoapRoutes(app: FastifyInstance, deps: GatewayDeps, context: RequestContext): void {
  void app.register((scope, _options, done) => {
    // Every body reaches the route as the raw stream, unparsed, whatever its Content-Type (a wrong one is a Fault).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, parsed) => {
      parsed(null, payload);
    });
    for (const route of SOAP_ROUTES) {
      scope.post(route.path, (request, reply) => forwardSoapRequest(route, request, reply, deps, context));
      registerWsdlRoute(scope, route, deps);
    }
    done();
  });
}

async function forwardSoapRequest(route: SoapRoute, request: FastifyRequest, reply: FastifyReply, deps: GatewayDeps, context: RequestContext): Promise<FastifyReply> {
  const { config, upstreams, metrics } = deps;
  const requestId = context.id(request);
  const contentType = request.headers["content-type"];
  const format = (contentType ?? "").trim().toLowerCase().startsWith("multipart/related") ? "mtom" : "simple";
  const maxBytes = config.GATEWAY_MAX_SOAP_MESSAGE_BYTES;
  const label = (action: string | undefined, outcome: "ok" | "upstream-fault" | "refused" | "upstream-error"): void =>
    context.label(request, { endpoint: route.upstream, action: transactionOf(action), outcome });

  const refuse = async (fault: SoapFaultOptions, why: string, body: AsyncIterable<Buffer> | undefined, action?: string): Promise<FastifyReply> => {
    const drained = body === undefined ? false : await discardBody(body, DISCARD_BUDGET);
    label(action, "refused");
    request.log.info({ requestId, endpoint: route.path, transaction: transactionOf(action), fault: fault.code, why }, "soap request refused at the edge");
    return sendSoapFault(reply, fault, format, !drained);
  };

  const declared = Number(request.headers["content-length"]);
  if (declared > maxBytes) {
    return refuse(soapFaultFromError(new SoapError("MTOM_LIMIT", `The message is larger than the ${maxBytes} bytes accepted`)), "too large", undefined);
  }

  const peeked = await peekSoapMessage(request.raw, contentType, {
    maxPrefixBytes: config.GATEWAY_MAX_HEADER_PREFIX_BYTES,
    ...(Number.isSafeInteger(declared) ? { contentLength: declared } : {}),
  });
  if (!peeked.ok) return refuse(soapFaultFromError(peeked.error), peeked.error.code, peeked.body);
  const { action: peekedAction, messageId } = peeked.addressing;
  const relatesTo = messageId === undefined ? {} : { relatesTo: messageId };
  let action: string;
  try {
    action = requireAddressing(
      { ...peeked.addressing, problems: [...peeked.addressing.problems] },
      { expectedActions: requestActions(route) },
    );
  } catch (err) {
    return refuse(soapFaultFromError(err, relatesTo), err instanceof SoapError ? err.code : "addressing", peeked.body, peekedAction);
  }
  const transaction = route.transactions.find((t) => ACTION[t].request === action) ?? route.transactions[0];
  if (transaction === undefined) throw new Error(`route ${route.path} has no transactions`);

  const decision = await runEdgeSteps(deps.edgeSteps, {
    requestId,
    upstream: route.upstream,
    transaction,
    action,
    messageId,
    headers: request.headers,
    socket: request.raw.socket,
    attributes: new Map(),
  });
  if (decision.kind === "refuse") {
    return refuse({ ...decision.fault, ...relatesTo }, `edge step ${decision.step ?? ""}: ${decision.reason}`, peeked.body, action);
  }

  // One signal stops the upstream call (and with it the rest of the upload): the client going away, or the service
  // staying silent. The wait for the answer starts once the whole request has been sent: undici's own headers timer
  // would run during a long upload from a slow client and cut it.
  const cancel = new AbortController();
  let cancelled: "client-gone" | "silence" | undefined;
  reply.raw.once("close", () => {
    if (reply.raw.writableFinished || cancelled) return;
    cancelled = "client-gone";
    cancel.abort();
  });
  let answerTimer: NodeJS.Timeout | undefined;
  const sent = (): void => {
    answerTimer = setTimeout(() => {
      cancelled ??= "silence";
      cancel.abort();
    }, config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS);
  };
  let response: Dispatcher.ResponseData;
  try {
    response = await upstreamRequest(`${upstreams.base(route.upstream)}${route.path}`, {
      dispatcher: upstreams.agent,
      method: "POST",
      headers: {
        ...endToEndHeaders(request.headers, ["x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]),
        ...forwardedFor(request.headers, request.ip, request.protocol),
        "x-request-id": requestId,
      },
      body: forwardedBody(peeked, maxBytes, sent),
      headersTimeout: 0,
      signal: cancel.signal,
    });
  } catch (err) {
    if (err instanceof BodyTooLargeError || (err as { cause?: unknown }).cause instanceof BodyTooLargeError) {
      return refuse(soapFaultFromError(new SoapError("MTOM_LIMIT", `The message is larger than the ${maxBytes} bytes accepted`), relatesTo), "too large", undefined, action);
    }
    if (cancelled === "client-gone") {
      label(action, "upstream-error");
      request.log.info({ requestId, endpoint: route.path, transaction }, "the client went away before the answer");
      return reply;
    }
    const failure = cancelled === "silence"
      ? { reason: "timeout" as const, description: `The ${SERVICE_NAME[route.upstream]} did not answer within ${config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS} ms` }
      : describeUpstreamFailure(err, SERVICE_NAME[route.upstream], {
          connectMs: config.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS,
          headersMs: config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS,
        });
    metrics.upstreamError(route.upstream, failure.reason);
    label(action, "upstream-error");
    request.log.warn({ requestId, endpoint: route.path, transaction, upstream: route.upstream, reason: failure.reason, err }, "service call failed");
    return sendSoapFault(reply, { code: "Receiver", reason: failure.description, ...relatesTo }, format, !request.raw.complete);
  } finally {
    clearTimeout(answerTimer);
  }

  label(action, response.statusCode < 300 ? "ok" : "upstream-fault");
  response.body.once("error", (err) => {
    // The answer was already under way: the connection is cut, which the client sees as an incomplete answer.
    metrics.upstreamError(route.upstream, "connection-lost");
    request.log.warn({ requestId, endpoint: route.path, transaction, err }, "service answer broke off");
  });
  return reply
    .code(response.statusCode)
    .headers({ ...endToEndHeaders(response.headers, ["date", "x-request-id"]), "x-request-id": requestId })
    .send(response.body);
}

/**
 * What goes to the service: a small message already read whole goes as one buffer; anything else as a byte stream
 * (not object mode), so undici writes with backpressure and pulls as the service reads. `sent` is called once the
 * last byte has been handed over.
 */
function forwardedBody(peeked: { body: AsyncIterable<Buffer>; whole?: Buffer }, maxBytes: number, sent: () => void): Buffer | Readable {
  if (peeked.whole !== undefined && peeked.whole.length <= maxBytes) {
    sent();
    return peeked.whole;
  }
  return Readable.from(notifyEnd(cappedBody(peeked.body, maxBytes), sent), { objectMode: false });
}
