import type { FastifyInstance } from "fastify";
import { dispatchSoapRequest, type MessageLimits, type SoapOperation } from "@opendsp/soap";
import type { Readable } from "node:stream";

/**
 * A service's SOAP 1.2 endpoint: one URL for every transaction, dispatched on wsa:Action.
 * The body is read as a stream by the SOAP layer (simple SOAP or, leniently, MTOM) with its own size limits.
 */
export function registerSoapEndpoint(
  app: FastifyInstance,
  path: string,
  operations: ReadonlyMap<string, SoapOperation>,
  limits: Partial<MessageLimits>,
): void {
  app.post(path, async (request, reply) => {
    const response = await dispatchSoapRequest(operations, request.body as Readable, request.headers["content-type"], limits, request.headers);
    request.log.info({ action: response.action, status: response.status, fault: response.fault?.code }, "soap request");
    // A request refused before it was read to its end cannot share the connection with the next one.
    if (!request.raw.complete) void reply.header("connection", "close");
    // A known length spares the chunked transfer coding of a streamed answer (RFC 9112 §6.1).
    if (response.contentLength !== undefined) void reply.header("content-length", response.contentLength);
    return reply.code(response.status).type(response.contentType).send(response.body);
  });
}

/** Content types handed to SOAP routes as the raw request stream, unparsed. */
export function passSoapBodiesThrough(app: FastifyInstance): void {
  app.addContentTypeParser(["application/soap+xml", "multipart/related", "text/xml", "application/xop+xml"], (_request, payload, done) => {
    done(null, payload);
  });
}
