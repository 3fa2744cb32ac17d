import { NS, PREFERRED_PREFIXES, element, type XmlAttribute, type XmlElement } from "@opendsp/ebxml";

/** A namespace-qualified name, compared by namespace URI and local name (never by prefix). */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

/** The roles of SOAP 1.2 Part 1 §2.2; an absent env:role means ultimateReceiver. */
export const SOAP_ROLE = {
  next: "http://www.w3.org/2003/05/soap-envelope/role/next",
  none: "http://www.w3.org/2003/05/soap-envelope/role/none",
  ultimateReceiver: "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver",
} as const;

/** Prefixes understood in QName texts given by our own code, e.g. fault subcodes "wsa:ActionNotSupported". */
const KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  wsa: NS.wsa,
  soapenv: NS.soap12,
  env: NS.soap12,
  soap: NS.soap12,
};

/** env:mustUnderstand="true" (SOAP 1.2 Part 1 §5.2.3; "true" is the canonical xs:boolean form). */
export function mustUnderstandAttribute(): XmlAttribute {
  return { ns: NS.soap12, local: "mustUnderstand", value: "true" };
}

/** An element in the SOAP 1.2 envelope namespace. */
export function soapElement(
  local: string,
  children: readonly (XmlElement | string | undefined | false)[] = [],
): XmlElement {
  return element(NS.soap12, local, {}, children);
}

/** "wsa:Action" -> { ns: WS-Addressing, local: "Action" }; undefined when the prefix is not one we know. */
export function resolveQNameText(text: string): QName | undefined {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) return undefined;
  const ns = KNOWN_PREFIXES[text.slice(0, colon)];
  return ns === undefined ? undefined : { ns, local: text.slice(colon + 1) };
}

/**
 * Parts of an element or attribute whose value is a QName (env:Value, env:NotUnderstood/@qname,
 * wsa:ProblemHeaderQName). The prefix used in the text must be in scope where it is written. writeXml declares only
 * the namespaces used by element and attribute names, so a QName in text (for instance the namespace of a header
 * we did not understand) would otherwise be unbound; the declaration is therefore written on the element itself,
 * exactly as in the NotUnderstood example of SOAP 1.2 Part 1 §5.4.8. A namespace declaration is not an attribute in
 * the schema sense, so the element stays schema-valid. The declaration is passed as an unqualified attribute named
 * "xmlns:p" because XmlElement has no field for in-scope namespaces; writeXml still escapes its value.
 */
export function qnameParts(name: QName, fallbackPrefix: string): { text: string; declarations: XmlAttribute[] } {
  // An unqualified name needs no prefix (and xmlns:p="" would be illegal in XML 1.0).
  if (!name.ns) return { text: name.local, declarations: [] };
  const prefix = PREFERRED_PREFIXES[name.ns] ?? fallbackPrefix;
  return { text: `${prefix}:${name.local}`, declarations: [{ ns: "", local: `xmlns:${prefix}`, value: name.ns }] };
}

/** An element whose text content is a QName, with the QName's namespace declared on the element. */
export function qnameElement(ns: string, local: string, name: QName, fallbackPrefix: string): XmlElement {
  const { text, declarations } = qnameParts(name, fallbackPrefix);
  return { ns, local, attrs: declarations, children: [text] };
}

export function sameName(a: QName, b: QName): boolean {
  return a.ns === b.ns && a.local === b.local;
}
