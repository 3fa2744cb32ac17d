import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../logging/logger.js";

/**
 * The HTTP application of a service: the service's pino logger, no request-line logging (URLs can hold patient
 * ids; each route logs its own outcome), and room for URL-encoded patient ids in route parameters (a CX with a
 * long OID exceeds Fastify's default 100 characters).
 */
export function createHttpApp(logger: Logger): FastifyInstance {
  // Typed as Fastify's base logger so routes take the plain FastifyInstance; it is the same pino instance.
  const base: FastifyBaseLogger = logger;
  return Fastify({
    loggerInstance: base,
    routerOptions: { maxParamLength: 512 },
    logController: new LogController({ disableRequestLogging: true }),
  });
}
