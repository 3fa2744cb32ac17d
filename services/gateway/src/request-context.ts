import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Endpoint, GatewayMetrics, Outcome } from "./metrics/gateway-metrics.js";
import { requestIdOf } from "./request-id.js";

/** What the gateway knows about one request beyond Fastify's: its id and, once routed, its metric labels. */
export interface RequestContext {
  id(request: FastifyRequest): string;
  /** Marks the request as one to count (SOAP and JSON API traffic), with its labels as they are known. */
  label(request: FastifyRequest, labels: { endpoint: Endpoint; action: string; outcome: Outcome }): void;
}

/**
 * Gives every request an id (the caller's X-Request-Id, or a new UUID), answers it in X-Request-Id, and counts the
 * labelled requests when their answer has gone out: one log line each, with ids, transaction and outcome only.
 */
export function installRequestContext(app: FastifyInstance, metrics: GatewayMetrics): RequestContext {
  const ids = new WeakMap<FastifyRequest, string>();
  const labels = new WeakMap<FastifyRequest, { endpoint: Endpoint; action: string; outcome: Outcome }>();
  const context: RequestContext = {
    id(request) {
      let id = ids.get(request);
      if (id === undefined) {
        id = requestIdOf(request.headers["x-request-id"]);
        ids.set(request, id);
      }
      return id;
    },
    label(request, value) {
      labels.set(request, value);
    },
  };
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", context.id(request));
  });
  app.addHook("onResponse", async (request, reply) => {
    const value = labels.get(request);
    if (!value) return;
    const seconds = reply.elapsedTime / 1000;
    metrics.observe(value, seconds);
    request.log.info({ requestId: context.id(request), ...value, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "gateway request");
  });
  return context;
}
