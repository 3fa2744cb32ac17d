import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { RepositoryDeps } from "../repository-deps.js";

/** GET /health: the repository, its database and its blob store answer. */
export function registerHealthRoute(app: FastifyInstance, deps: RepositoryDeps): void {
  app.get("/health", async (_request, reply) => {
    const [database, blobs] = await Promise.all([
      sql`SELECT 1`.execute(deps.db).then(
        () => "ok" as const,
        () => "unavailable" as const,
      ),
      deps.blobs.stat("health-check").then(
        () => "ok" as const,
        () => "unavailable" as const,
      ),
    ]);
    const ok = database === "ok" && blobs === "ok";
    return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", database, blobs });
  });
}
