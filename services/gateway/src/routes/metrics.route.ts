import type { FastifyInstance } from "fastify";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";

/** GET /metrics: Prometheus text exposition of this gateway instance's registry. */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get("/metrics", async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
