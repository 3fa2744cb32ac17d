import { FAULT_ACTION, buildMtomMessage, buildSoapFault, httpStatusForFault, type SoapFaultOptions } from "@opendsp/soap";
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";

/**
 * Answers a SOAP 1.2 Fault in the request's format (ITI TF-2x V.3.2 and the "MTOM in, MTOM out" rule): an MTOM
 * request gets the fault as the root of an MTOM package. `closeConnection` when the request body was not read to
 * its end, so the connection cannot carry another request. Resolves once the answer is written (or the client gone).
 */
export async function sendSoapFault(res: ServerResponse, fault: SoapFaultOptions, format: "mtom" | "simple", closeConnection: boolean, requestId: string): Promise<void> {
  const xml = buildSoapFault(fault);
  const connection = closeConnection ? ["connection", "close"] : [];
  if (format === "mtom") {
    const message = buildMtomMessage({ root: xml, action: FAULT_ACTION, attachments: [] });
    res.writeHead(httpStatusForFault(fault.code), ["content-type", message.contentType, "x-request-id", requestId, ...connection]);
    // A client that went away while the Fault was written has nothing left to be told.
    await pipeline(message.body, res).catch(() => undefined);
    return;
  }
  const body = Buffer.from(xml, "utf8");
  res.writeHead(httpStatusForFault(fault.code), [
    "content-type",
    `application/soap+xml; charset=UTF-8; action="${FAULT_ACTION}"`,
    "content-length",
    String(body.length),
    "x-request-id",
    requestId,
    ...connection,
  ]);
  res.end(body);
}
