import { NS, XmlError, attribute, childElements, parseXml, qualifiedName, type XmlElement } from "@opendsp/ebxml";
import { SoapError } from "../soap-error.js";
import { SoapFaultError } from "./soap-fault-error.js";
import { SOAP_ROLE, sameName, type QName } from "./soap-names.js";
import { isProcessedAddressingHeader, readAddressing, type WsAddressing } from "./ws-addressing.js";

/** A received SOAP 1.2 message, after the checks of SOAP 1.2 Part 1 §2.6 (processing model) and §5. */
export interface SoapEnvelope {
  /** Header blocks targeted at us (role absent, next or ultimateReceiver), in document order. */
  readonly headers: readonly XmlElement[];
  /** The only child element of env:Body. */
  readonly body: XmlElement;
  readonly addressing: WsAddressing;
}

export interface ParseSoapEnvelopeOptions {
  /** Header blocks the caller processes besides WS-Addressing; any other one with mustUnderstand is a fault. */
  readonly understoodHeaders?: readonly QName[];
}

/**
 * Parses and checks a SOAP 1.2 envelope. Failures are SoapErrors carrying the fault to send back:
 * malformed XML or DOCTYPE (Sender), SOAP 1.1 envelope (VersionMismatch), header blocks with mustUnderstand we do not
 * process (MustUnderstand), Body without exactly one child element (Sender).
 */
export function parseSoapEnvelope(
  xml: string | Uint8Array | XmlElement,
  options: ParseSoapEnvelopeOptions = {},
): SoapEnvelope {
  const { header, body } = readEnvelopeParts(xml);

  const headers = header ? childElements(header).filter(isTargetedAtUs) : [];
  // Read before the mustUnderstand check so that even that fault can carry wsa:RelatesTo.
  const addressing = readAddressing(headers);
  const related = addressing.messageId === undefined ? {} : { requestMessageId: addressing.messageId };

  // SOAP 1.2 Part 1 §2.6 step 3: every mandatory header block targeted at us must be understood, before any
  // processing; a single fault lists all of them (§5.4.8).
  const understood = options.understoodHeaders ?? [];
  const notUnderstood: QName[] = [];
  for (const h of headers) {
    if (!isMandatory(h) || isProcessedAddressingHeader(h)) continue;
    if (understood.some((u) => sameName(u, h))) continue;
    notUnderstood.push({ ns: h.ns, local: h.local });
  }
  if (notUnderstood.length > 0) {
    const names = notUnderstood.map(qualifiedName).join(", ");
    throw new SoapFaultError("SOAP_MUST_UNDERSTAND", `One or more mandatory SOAP header blocks not understood: ${names}`, {
      faultCode: "MustUnderstand",
      notUnderstood,
      ...related,
    });
  }

  const bodyElements = childElements(body);
  const only = bodyElements[0];
  if (!only || bodyElements.length > 1) {
    // Every XDS.b message is a single body element; with none or several there is nothing well-defined to dispatch.
    const why = only ? `${bodyElements.length} child elements` : "no child element";
    throw new SoapFaultError("SOAP_BODY", `The SOAP Body must hold exactly one element, found ${why}`, related);
  }
  return { headers, body: only, addressing };
}

/**
 * Parses the XML and splits the envelope into env:Header and env:Body without looking at their content.
 * Shared with parseSoapFault; not part of the package API.
 */
export function readEnvelopeParts(xml: string | Uint8Array | XmlElement): { header: XmlElement | undefined; body: XmlElement } {
  return envelopeParts(toRoot(xml));
}

function toRoot(xml: string | Uint8Array | XmlElement): XmlElement {
  if (typeof xml !== "string" && !(xml instanceof Uint8Array)) return xml;
  try {
    return parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) {
      // A DOCTYPE is refused outright (entity expansion, external entities): SOAP 1.2 Part 1 §5 forbids it too.
      const code = e.code === "XML_DOCTYPE" ? "SOAP_XML_DOCTYPE" : "SOAP_MALFORMED_XML";
      throw new SoapError(code, e.message, { cause: e });
    }
    throw new SoapError("SOAP_MALFORMED_XML", "The message is not an XML document", { cause: e });
  }
}

/** SOAP 1.2 Part 1 §5.1: env:Envelope holds an optional env:Header, then env:Body, and nothing else. */
function envelopeParts(root: XmlElement): { header: XmlElement | undefined; body: XmlElement } {
  if (root.local === "Envelope" && root.ns === NS.soap11) {
    // SOAP 1.2 Part 1 §5.4.7: an envelope of another SOAP version is a VersionMismatch fault.
    throw new SoapError("SOAP_VERSION_MISMATCH", "SOAP 1.1 envelopes are not supported: send SOAP 1.2", {
      faultCode: "VersionMismatch",
    });
  }
  if (root.local !== "Envelope" || root.ns !== NS.soap12) {
    throw new SoapError("SOAP_NOT_ENVELOPE", `Expected a SOAP 1.2 Envelope, got ${qualifiedName(root)}`);
  }
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  for (const child of root.children) {
    if (typeof child === "string") {
      if (child.trim()) throw new SoapError("SOAP_NOT_ENVELOPE", "Character data is not allowed in env:Envelope");
      continue;
    }
    if (child.ns === NS.soap12 && child.local === "Header" && !header && !body) header = child;
    else if (child.ns === NS.soap12 && child.local === "Body" && !body) body = child;
    else throw new SoapError("SOAP_NOT_ENVELOPE", `Unexpected element ${qualifiedName(child)} in env:Envelope`);
  }
  if (!body) throw new SoapError("SOAP_BODY", "The SOAP Envelope has no Body");
  return { header, body };
}

/**
 * SOAP 1.2 Part 1 §2.2/§5.2.2: we act as ultimateReceiver (and therefore also "next"). Blocks for role "none" or
 * for roles we do not play are neither processed nor checked for mustUnderstand.
 */
function isTargetedAtUs(h: XmlElement): boolean {
  const role = attribute(h, "role", NS.soap12)?.trim();
  return !role || role === SOAP_ROLE.ultimateReceiver || role === SOAP_ROLE.next;
}

/** env:mustUnderstand is an xs:boolean (SOAP 1.2 Part 1 §5.2.3): "true"/"1" or "false"/"0". */
function isMandatory(h: XmlElement): boolean {
  const value = attribute(h, "mustUnderstand", NS.soap12)?.trim();
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new SoapError("SOAP_NOT_ENVELOPE", `Invalid env:mustUnderstand value "${value}" on ${qualifiedName(h)}`);
}
