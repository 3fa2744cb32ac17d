import { FAULT_ACTION, buildMtomMessage, buildSoapFault, httpStatusForFault, type SoapFaultOptions } from "@opendsp/soap";
import type { FastifyReply } from "fastify";

/**
 * Answers a SOAP 1.2 Fault in the request's format (ITI TF-2x V.3.2 and the "MTOM in, MTOM out" rule): an MTOM
 * request gets the fault as the root of an MTOM package. `closeConnection` when the request body was not read to
 * its end, so the connection cannot carry another request.
 */
export function sendSoapFault(reply: FastifyReply, fault: SoapFaultOptions, format: "mtom" | "simple", closeConnection: boolean): FastifyReply {
  const xml = buildSoapFault(fault);
  void reply.code(httpStatusForFault(fault.code));
  if (closeConnection) void reply.header("connection", "close");
  if (format === "mtom") {
    const message = buildMtomMessage({ root: xml, action: FAULT_ACTION, attachments: [] });
    return reply.type(message.contentType).send(message.body);
  }
  return reply.type(`application/soap+xml; charset=UTF-8; action="${FAULT_ACTION}"`).send(xml);
}
