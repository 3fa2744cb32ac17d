import type { FastifyInstance } from "fastify";
import { sql, type Kysely } from "kysely";
import type { ConsentDatabase } from "../storage/consent-database.js";

/** GET /health: the consent service answers and its database does. */
export function registerHealthRoute(app: FastifyInstance, db: Kysely<ConsentDatabase>): void {
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
