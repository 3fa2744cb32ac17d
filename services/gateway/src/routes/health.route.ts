import type { FastifyInstance } from "fastify";
import { request as upstreamRequest } from "undici";
import type { UpstreamName } from "../domain/routing/soap-routes.js";
import type { GatewayDeps } from "../gateway-deps.js";

type DependencyStatus = { status: "ok" } | { status: "unavailable"; reason: string };


/**
 * GET /health: the gateway answers, and so do the services behind it (their own /health, which checks their
 * database). 200 with each dependency's status, or 503 naming the ones that are down.
 */
export function registerHealthRoute(app: FastifyInstance, deps: GatewayDeps): void {
  // With access control every SOAP request asks the consent service, which is then as needed as the others.
  const needed: readonly UpstreamName[] = deps.config.GATEWAY_ACCESS_CONTROL === "enforced" ? ["registry", "repository", "consent"] : ["registry", "repository"];
  app.get("/health", async (_request, reply) => {
    const results = await Promise.all(needed.map(async (name) => [name, await check(deps, name)] as const));
    const dependencies = Object.fromEntries(results) as Record<UpstreamName, DependencyStatus>;
    const unavailable = results.filter(([, s]) => s.status !== "ok").map(([name]) => name);
    if (unavailable.length === 0) return { status: "ok", dependencies };
    return reply.code(503).send({ status: "unavailable", unavailable, dependencies });
  });
}

async function check(deps: GatewayDeps, name: UpstreamName): Promise<DependencyStatus> {
  try {
    const res = await upstreamRequest(`${deps.upstreams.base(name)}/health`, {
      dispatcher: deps.upstreams.agent,
      method: "GET",
      signal: AbortSignal.timeout(deps.config.GATEWAY_HEALTH_TIMEOUT_MS),
    });
    await res.body.dump();
    return res.statusCode === 200 ? { status: "ok" } : { status: "unavailable", reason: `its /health answered ${res.statusCode}` };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = (err as { name?: unknown }).name === "TimeoutError" ? `no answer within ${deps.config.GATEWAY_HEALTH_TIMEOUT_MS} ms` : `not reachable${typeof code === "string" ? ` (${code})` : ""}`;
    return { status: "unavailable", reason };
  }
}
