import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory } from "fastify";
import type { Logger } from "../logging/logger.js";

export interface HttpAppOptions {
  /**
   * Builds the HTTP server around Fastify's request handler, for a service that answers some requests on node:http
   * before Fastify's routing (the gateway's SOAP endpoints). The server should get the settings Fastify gives its own.
   */
  readonly serverFactory?: FastifyServerFactory;
}

/**
 * The HTTP application of a service: the service's pino logger, no request-line logging (URLs can hold patient
 * ids; each route logs its own outcome), and room for URL-encoded patient ids in route parameters (a CX with a
 * long OID exceeds Fastify's default 100 characters).
 */
export function createHttpApp(logger: Logger, options: HttpAppOptions = {}): FastifyInstance {
  // Typed as Fastify's base logger so routes take the plain FastifyInstance; it is the same pino instance.
  const base: FastifyBaseLogger = logger;
  return Fastify({
    loggerInstance: base,
    routerOptions: { maxParamLength: 512 },
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.serverFactory === undefined ? {} : { serverFactory: options.serverFactory }),
  });
}
