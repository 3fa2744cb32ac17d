import { NS, PREFERRED_PREFIXES, element, writeXml, writeXmlUtf8, type XmlElement } from "@opendsp/ebxml";
import { mustUnderstandAttribute, soapElement } from "./soap-names.js";
import { WSA_ANONYMOUS, newMessageId, responseAddressingHeaders, type WsAddressing } from "./ws-addressing.js";

export interface SoapEnvelopeParts {
  readonly headers?: readonly XmlElement[];
  readonly body: XmlElement;
}

/** env:Envelope with env:Header (only when there are header blocks, SOAP 1.2 Part 1 §5.2) and env:Body. */
export function buildSoapEnvelope(parts: SoapEnvelopeParts): XmlElement {
  const headers = parts.headers ?? [];
  return soapElement("Envelope", [headers.length > 0 && soapElement("Header", headers), soapElement("Body", [parts.body])]);
}

/** The envelope as a standalone UTF-8 document, with the prefixes peers are used to (soapenv, wsa, rim, ...). */
export function serializeSoapEnvelope(envelope: XmlElement | SoapEnvelopeParts): string {
  const root = "ns" in envelope ? envelope : buildSoapEnvelope(envelope);
  return writeXml(root, { prefixes: PREFERRED_PREFIXES, declaration: true });
}

/** The same document as `serializeSoapEnvelope`, encoded into one Buffer (large answers stay out of the JS heap). */
export function serializeSoapEnvelopeUtf8(envelope: XmlElement | SoapEnvelopeParts): Buffer {
  const root = "ns" in envelope ? envelope : buildSoapEnvelope(envelope);
  return writeXmlUtf8(root, { prefixes: PREFERRED_PREFIXES, declaration: true });
}

export interface SoapRequestOptions {
  readonly action: string;
  /** Endpoint URL for wsa:To. */
  readonly to?: string;
  /** Defaults to a fresh urn:uuid. */
  readonly messageId?: string;
  readonly body: XmlElement;
  /** More header blocks after the addressing ones (e.g. a WS-Security header). */
  readonly extraHeaders?: readonly XmlElement[];
}

/**
 * A client request as XDS peers expect it (XDS-REFERENCE §1.1; WS-Addressing 1.0 SOAP Binding §2): wsa:Action with
 * mustUnderstand, wsa:MessageID, wsa:ReplyTo anonymous (synchronous reply on the HTTP response) and wsa:To.
 * Returns the message id so the caller can match the reply's wsa:RelatesTo.
 */
export function buildSoapRequest(options: SoapRequestOptions): { envelope: XmlElement; messageId: string } {
  const messageId = options.messageId ?? newMessageId();
  const action: XmlElement = { ...element(NS.wsa, "Action", {}, [options.action]), attrs: [mustUnderstandAttribute()] };
  const headers: XmlElement[] = [
    action,
    element(NS.wsa, "MessageID", {}, [messageId]),
    element(NS.wsa, "ReplyTo", {}, [element(NS.wsa, "Address", {}, [WSA_ANONYMOUS])]),
  ];
  if (options.to !== undefined) headers.push(element(NS.wsa, "To", {}, [options.to]));
  headers.push(...(options.extraHeaders ?? []));
  return { envelope: buildSoapEnvelope({ headers, body: options.body }), messageId };
}

export interface SoapResponseOptions {
  /** Addressing of the request being answered; its MessageID becomes wsa:RelatesTo. */
  readonly request: WsAddressing;
  readonly action: string;
  readonly body: XmlElement;
  readonly messageId?: string;
  readonly extraHeaders?: readonly XmlElement[];
}

/**
 * A reply to `request`. It always travels on the HTTP response, whatever wsa:ReplyTo says: XDS.b transactions are
 * synchronous (the asynchronous variants use other actions).
 */
export function buildSoapResponse(options: SoapResponseOptions): XmlElement {
  const headers = responseAddressingHeaders({
    action: options.action,
    relatesTo: options.request.messageId,
    ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
  });
  headers.push(...(options.extraHeaders ?? []));
  return buildSoapEnvelope({ headers, body: options.body });
}
