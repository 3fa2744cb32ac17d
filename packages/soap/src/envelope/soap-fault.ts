import { NS, attribute, childElements, firstChild, textContent, type XmlElement } from "@opendsp/ebxml";
import { SoapError, type SoapFaultCode } from "../soap-error.js";
import { buildSoapEnvelope, serializeSoapEnvelope } from "./build-envelope.js";
import { readEnvelopeParts } from "./soap-envelope.js";
import { SoapFaultError } from "./soap-fault-error.js";
import { qnameParts, resolveQNameText, soapElement, type QName } from "./soap-names.js";
import { readAddressing, responseAddressingHeaders, type WsAddressing } from "./ws-addressing.js";

/** wsa:Action of every SOAP fault (WS-Addressing 1.0 SOAP Binding §6). */
export const FAULT_ACTION = "http://www.w3.org/2005/08/addressing/soap/fault";

/** Reason sent for failures that are not the sender's: internal messages and stacks never leave the server. */
export const GENERIC_FAULT_REASON = "The service could not process the message";

export interface SoapFaultOptions {
  readonly code: SoapFaultCode;
  /**
   * Subcodes from outermost to innermost, as QName texts with a known prefix ("wsa:ActionNotSupported",
   * "soapenv:...") or as { ns, local } for any namespace.
   */
  readonly subcodes?: readonly (string | QName)[];
  readonly reason: string;
  /** xml:lang of the reason text; default "en". */
  readonly lang?: string;
  /**
   * env:Detail content: detail entries (elements, as the SOAP 1.2 schema expects) or a plain text for diagnostics.
   */
  readonly detail?: string | readonly XmlElement[];
  /** Header blocks not understood, each listed with env:NotUnderstood (SOAP 1.2 Part 1 §5.4.8). */
  readonly notUnderstood?: readonly QName[];
  /** wsa:MessageID of the faulty request, if known. */
  readonly relatesTo?: string;
  /** Defaults to FAULT_ACTION. */
  readonly action?: string;
  readonly messageId?: string;
}

/** The fault message as a tree (SOAP 1.2 Part 1 §5.4). */
export function buildSoapFaultEnvelope(options: SoapFaultOptions): XmlElement {
  const subcodes = (options.subcodes ?? []).map((s) => {
    if (typeof s !== "string") return s;
    const name = resolveQNameText(s);
    // A programming error (subcodes are constants in our code), not a property of the request.
    if (!name) throw new TypeError(`Fault subcode "${s}" has no known namespace prefix`);
    return name;
  });
  const fault = soapElement("Fault", [
    codeElement(options.code, subcodes),
    soapElement("Reason", [
      { ns: NS.soap12, local: "Text", attrs: [{ ns: NS.xml, local: "lang", value: options.lang ?? "en" }], children: [options.reason] },
    ]),
    detailElement(options.detail),
  ]);

  const headers: XmlElement[] = (options.notUnderstood ?? []).map((name, i) => {
    // §5.4.8.1: one env:NotUnderstood per header block, its QName in @qname.
    const { text, declarations } = qnameParts(name, `nu${i + 1}`);
    return { ns: NS.soap12, local: "NotUnderstood", attrs: [{ ns: "", local: "qname", value: text }, ...declarations], children: [] };
  });
  if (options.code === "VersionMismatch") headers.push(upgradeHeader());
  headers.push(
    ...responseAddressingHeaders({
      action: options.action ?? FAULT_ACTION,
      relatesTo: options.relatesTo,
      ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
    }),
  );
  return buildSoapEnvelope({ headers, body: fault });
}

/** The fault message as a UTF-8 document. */
export function buildSoapFault(options: SoapFaultOptions): string {
  return serializeSoapEnvelope(buildSoapFaultEnvelope(options));
}

/**
 * The fault to answer `err` with. A SoapError describes a problem with the request in words meant for the sender,
 * so its fault code, subcodes and message are used. Anything else is our failure: Receiver with a generic reason.
 */
export function soapFaultFromError(err: unknown, context: { readonly relatesTo?: string } = {}): SoapFaultOptions {
  if (!(err instanceof SoapError)) {
    return { code: "Receiver", reason: GENERIC_FAULT_REASON, ...relatesTo(context.relatesTo) };
  }
  const extra = err instanceof SoapFaultError ? err : undefined;
  // Keep the resolvable head of the chain: a deeper subcode means nothing without its parent.
  const subcodes: QName[] = [];
  for (const text of [err.subcode, ...(extra?.subsubcodes ?? [])]) {
    const name = text === undefined ? undefined : resolveQNameText(text);
    if (!name) break;
    subcodes.push(name);
  }
  return {
    code: err.faultCode,
    reason: err.message,
    ...(subcodes.length > 0 ? { subcodes } : {}),
    ...(extra && extra.notUnderstood.length > 0 ? { notUnderstood: extra.notUnderstood } : {}),
    ...(extra && extra.detail.length > 0 ? { detail: extra.detail } : {}),
    ...relatesTo(context.relatesTo ?? extra?.requestMessageId),
  };
}

/** SOAP 1.2 Part 2 §7.5.1.2: env:Sender faults go with 400 Bad Request, all others with 500. */
export function httpStatusForFault(code: SoapFaultCode): 400 | 500 {
  return code === "Sender" ? 400 : 500;
}

/** Everything an HTTP endpoint needs to answer `err`: the status and the fault document. */
export function soapFaultResponse(
  err: unknown,
  context: { readonly relatesTo?: string } = {},
): { status: 400 | 500; body: string; fault: SoapFaultOptions } {
  const fault = soapFaultFromError(err, context);
  return { status: httpStatusForFault(fault.code), body: buildSoapFault(fault), fault };
}

/** A received fault, as read by clients and tests. QNames are given as written (prefix:local). */
export interface SoapFaultInfo {
  /** Local name of env:Code/env:Value, e.g. "Sender". */
  readonly code: string;
  /** Texts of the env:Subcode/env:Value chain, outermost first, e.g. ["wsa:ActionNotSupported"]. */
  readonly subcodes: readonly string[];
  readonly reason: string;
  /** Text content of env:Detail, trimmed; undefined without env:Detail. */
  readonly detail?: string;
  readonly detailEntries: readonly XmlElement[];
  /** @qname texts of the env:NotUnderstood headers. */
  readonly notUnderstood: readonly string[];
  readonly addressing: WsAddressing;
}

/**
 * Reads the fault out of a SOAP 1.2 response; undefined when the body is not a fault. mustUnderstand is not enforced
 * here: a client reading a fault only wants to know what went wrong.
 */
export function parseSoapFault(input: string | Uint8Array | XmlElement): SoapFaultInfo | undefined {
  const { header, body } = readEnvelopeParts(input);
  const fault = childElements(body)[0];
  if (!fault || fault.ns !== NS.soap12 || fault.local !== "Fault") return undefined;

  const headers = header ? childElements(header) : [];
  const code = firstChild(fault, NS.soap12, "Code");
  const codeValue = code ? valueText(code) : "";
  const subcodes: string[] = [];
  for (let sub = code && firstChild(code, NS.soap12, "Subcode"); sub; sub = firstChild(sub, NS.soap12, "Subcode")) {
    subcodes.push(valueText(sub));
  }
  const reasonEl = firstChild(fault, NS.soap12, "Reason");
  const texts = reasonEl ? childElements(reasonEl).filter((t) => t.ns === NS.soap12 && t.local === "Text") : [];
  // §5.4.2: one Text per language; prefer English, as our own faults are.
  const text = texts.find((t) => attribute(t, "lang", NS.xml)?.toLowerCase().startsWith("en")) ?? texts[0];
  const detail = firstChild(fault, NS.soap12, "Detail");

  return {
    code: codeValue.slice(codeValue.indexOf(":") + 1),
    subcodes,
    reason: text ? textContent(text).trim() : "",
    ...(detail ? { detail: textContent(detail).trim() } : {}),
    detailEntries: detail ? childElements(detail) : [],
    notUnderstood: headers
      .filter((h) => h.ns === NS.soap12 && h.local === "NotUnderstood")
      .map((h) => attribute(h, "qname")?.trim() ?? ""),
    addressing: readAddressing(headers),
  };
}

/** env:Code with env:Value and the nested env:Subcode chain (SOAP 1.2 Part 1 §5.4.1, §5.4.1.3). */
function codeElement(code: SoapFaultCode, subcodes: readonly QName[]): XmlElement {
  const chain = subcodes.reduceRight<XmlElement | undefined>(
    (inner, name, i) => soapElement("Subcode", [valueElement(name, `sc${i + 1}`), inner]),
    undefined,
  );
  return soapElement("Code", [valueElement({ ns: NS.soap12, local: code }, "soapenv"), chain]);
}

function valueElement(name: QName, fallbackPrefix: string): XmlElement {
  const { text, declarations } = qnameParts(name, fallbackPrefix);
  return { ns: NS.soap12, local: "Value", attrs: declarations, children: [text] };
}

function detailElement(detail: string | readonly XmlElement[] | undefined): XmlElement | undefined {
  if (detail === undefined) return undefined;
  if (typeof detail === "string") return detail ? soapElement("Detail", [detail]) : undefined;
  return detail.length > 0 ? soapElement("Detail", detail) : undefined;
}

/** SOAP 1.2 Part 1 §5.4.7: a VersionMismatch fault names the envelope versions we support in env:Upgrade. */
function upgradeHeader(): XmlElement {
  const { text, declarations } = qnameParts({ ns: NS.soap12, local: "Envelope" }, "soapenv");
  return soapElement("Upgrade", [
    { ns: NS.soap12, local: "SupportedEnvelope", attrs: [{ ns: "", local: "qname", value: text }, ...declarations], children: [] },
  ]);
}

function valueText(el: XmlElement): string {
  const value = firstChild(el, NS.soap12, "Value");
  return value ? textContent(value).trim() : "";
}

function relatesTo(id: string | undefined): { relatesTo?: string } {
  return id === undefined ? {} : { relatesTo: id };
}
