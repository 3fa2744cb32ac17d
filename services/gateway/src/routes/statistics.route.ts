import type { FastifyInstance, FastifyReply } from "fastify";
import { combineStatistics, publicStatisticsCsv, type PublicStatistics } from "../domain/statistics/public-statistics.js";
import { ConsentStatistics, RegistryStatistics } from "../domain/statistics/statistics-answers.js";
import { fetchStatistics, StatisticsUnavailableError } from "../domain/statistics/upstream-statistics.client.js";
import type { GatewayDeps } from "../gateway-deps.js";

const PROBLEM = "application/problem+json";

/**
 * GET /api/stats and /api/stats.csv: the public statistics of the platform, the registry's documents per month and
 * category and the consent service's declared professionals, asked of both at each request. Aggregates only, so no
 * authentication. If either service cannot answer, nothing is published (502 GW_STATISTICS_UNAVAILABLE) rather than
 * half a table.
 */
export function registerStatisticsRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  const source = { agent: deps.upstreams.agent, timeoutMs: deps.config.GATEWAY_STATISTICS_TIMEOUT_MS };
  const read = async (): Promise<PublicStatistics> => {
    const [registry, consent] = await Promise.all([
      fetchStatistics(source, "registry", `${deps.upstreams.base("registry")}/api/stats`, RegistryStatistics),
      fetchStatistics(source, "consent service", `${deps.upstreams.base("consent")}/internal/statistics`, ConsentStatistics),
    ]);
    return combineStatistics(registry, consent, new Date());
  };
  const answer = async (reply: FastifyReply, send: (stats: PublicStatistics) => FastifyReply): Promise<FastifyReply> => {
    try {
      return send(await read());
    } catch (err) {
      if (!(err instanceof StatisticsUnavailableError)) throw err;
      reply.log.warn({ service: err.service, error: err.message }, "statistics unavailable");
      return reply.code(502).type(PROBLEM).send({ type: "urn:opendsp:problem:statistics-unavailable", title: "Statistics unavailable", status: 502, detail: err.message, code: err.code });
    }
  };
  app.get("/api/stats", (_request, reply) => answer(reply, (stats) => reply.send(stats)));
  app.get("/api/stats.csv", (_request, reply) => answer(reply, (stats) => reply.type("text/csv; charset=utf-8").send(publicStatisticsCsv(stats))));
}
