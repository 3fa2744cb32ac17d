import type { FastifyInstance } from "fastify";
import { sql, type QueryExecutorProvider } from "kysely";

/** GET /health for a service whose one dependency is its database: 200 when a query runs, 503 otherwise. */
export function registerDatabaseHealthRoute(app: FastifyInstance, db: QueryExecutorProvider): void {
  app.get("/health", async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(db);
      return { status: "ok", database: "ok" };
    } catch (err) {
      app.log.error({ err }, "health check: database unavailable");
      return reply.code(503).send({ status: "unavailable", database: "unavailable" });
    }
  });
}
