import type { Readable } from "node:stream";
import type { XmlElement } from "@opendsp/ebxml";
import { buildSoapResponse, serializeSoapEnvelope, serializeSoapEnvelopeUtf8 } from "../envelope/build-envelope.js";
import { parseSoapEnvelope, type SoapEnvelope } from "../envelope/soap-envelope.js";
import { soapFaultResponse, type SoapFaultOptions } from "../envelope/soap-fault.js";
import { requireAddressing } from "../envelope/ws-addressing.js";
import { readSoapHttpBody, type SoapHttpBody } from "../http/read-soap-body.js";
import type { MessageLimits } from "../mtom/limits.js";
import { XUA_NS } from "../xua/xua-names.js";
import type { ByteSource } from "../mtom/multipart-parser.js";
import { buildMtomMessage, type MtomAttachmentSource } from "../mtom/write-mtom.js";

/** HTTP request headers as Node gives them: lower-case names, repeated headers as arrays. */
export type SoapHttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The gateway verified the wsse:Security header (XUA) before forwarding and says so in this field, which no client
 * can set (the gateway removes every X-OpenDSP-* field a client sends). Only then is a mandatory wsse:Security block
 * understood here (SOAP 1.2 Part 1 §5.2.3: processed on the message's path); otherwise it stays a MustUnderstand
 * Fault, as nobody checked it.
 */
export const SECURITY_VERIFIED_HEADER = "x-opendsp-security-verified";
const WSSE_SECURITY = { ns: XUA_NS.wsse, local: "Security" };

/** A received SOAP request: its envelope and HTTP body (attachments not read yet, MTOM or not). */
export interface SoapRequest {
  readonly envelope: SoapEnvelope;
  readonly http: SoapHttpBody;
  /**
   * The HTTP request's headers, for operations that take part of their input from the transport (a restriction
   * set by the gateway in front of the service); empty when the caller gave none.
   */
  readonly httpHeaders: SoapHttpHeaders;
}

/** A reply body and, for MTOM answers (ITI-43), the parts its xop:Includes refer to. */
export interface SoapReply {
  readonly body: XmlElement;
  readonly attachments?: readonly MtomAttachmentSource[];
  /**
   * Work the answer must wait for, such as the commit of a read's audit row (ITI TF-2a 3.18.5.1.2: recorded before
   * the answer leaves), done while the answer is encoded rather than before. A reply it resolves to is sent instead
   * (the operation's own failure answer when the work failed). It should not reject; if it does, the answer is a
   * Receiver Fault.
   */
  readonly beforeSending?: Promise<SoapReply | undefined>;
}

/** One transaction of an endpoint, chosen by its WS-Addressing request action. */
export interface SoapOperation {
  readonly responseAction: string;
  handle(request: SoapRequest): Promise<SoapReply>;
}

export interface SoapHttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer | Readable;
  /** The length of a stream body when known in advance (an MTOM answer whose parts all have known sizes). */
  readonly contentLength?: number;
  /** The request action when the envelope could be read (for logs and audit). */
  readonly action?: string;
  /** Set when the answer is a SOAP Fault. */
  readonly fault?: SoapFaultOptions;
}

/**
 * Serves one SOAP 1.2 HTTP request: reads the body (simple SOAP or MTOM), parses the envelope, picks the operation
 * by wsa:Action (a missing or unknown Action is a Fault, ITI TF-2x Appendix V), runs it and encodes the reply in
 * the request's format ("MTOM in, MTOM out"; always MTOM when the reply has attachments). Every failure becomes
 * a SOAP Fault; internal errors never leak their message.
 */
export async function dispatchSoapRequest(
  operations: ReadonlyMap<string, SoapOperation>,
  source: ByteSource,
  contentType: string | undefined,
  limits: Partial<MessageLimits> = {},
  httpHeaders: SoapHttpHeaders = {},
): Promise<SoapHttpResponse> {
  let relatesTo: string | undefined;
  let action: string | undefined;
  let http: SoapHttpBody | undefined;
  try {
    http = await readSoapHttpBody(source, contentType, limits);
    const securityVerified = httpHeaders[SECURITY_VERIFIED_HEADER] === "wsse:Security";
    const envelope = parseSoapEnvelope(http.root, securityVerified ? { understoodHeaders: [WSSE_SECURITY] } : {});
    relatesTo = envelope.addressing.messageId;
    action = requireAddressing(envelope.addressing, { expectedActions: [...operations.keys()] });
    const operation = operations.get(action);
    if (!operation) throw new Error(`no operation for ${action}`);
    const handled = await operation.handle({ envelope, http, httpHeaders });
    // Handled at once so that a rejection met while the request is drained is not an unhandled one.
    handled.beforeSending?.catch(() => undefined);
    await http.drain();
    const answerOf = (reply: SoapReply) => buildSoapResponse({ request: envelope.addressing, action: operation.responseAction, body: reply.body });
    if (http.format === "mtom" || (handled.attachments?.length ?? 0) > 0) {
      const reply = (await handled.beforeSending) ?? handled;
      const root = serializeSoapEnvelope(answerOf(reply));
      const mtom = buildMtomMessage({ root, action: operation.responseAction, attachments: reply.attachments ?? [] });
      return {
        status: 200,
        contentType: mtom.contentType,
        body: mtom.body,
        ...(mtom.contentLength === undefined ? {} : { contentLength: mtom.contentLength }),
        action,
      };
    }
    // One turn of the event loop first, so that the work's own I/O (the audit insert) is on the wire while the
    // answer is encoded; encoding right away would finish before the insert was even sent.
    if (handled.beforeSending) await new Promise((resolve) => setImmediate(resolve));
    let body = serializeSoapEnvelopeUtf8(answerOf(handled));
    const instead = await handled.beforeSending;
    if (instead?.attachments?.length) throw new Error("a reply with attachments replaced a simple SOAP answer");
    if (instead) body = serializeSoapEnvelopeUtf8(answerOf(instead));
    return { status: 200, contentType: `application/soap+xml; charset=UTF-8; action="${operation.responseAction}"`, body, action };
  } catch (err) {
    // The rest of the request is discarded so the connection can carry the fault back.
    await http?.drain().catch(() => undefined);
    const fault = soapFaultResponse(err, relatesTo === undefined ? {} : { relatesTo });
    return {
      status: fault.status,
      contentType: "application/soap+xml; charset=UTF-8",
      body: fault.body,
      fault: fault.fault,
      ...(action === undefined ? {} : { action }),
    };
  }
}
