/**
 * The namespace-resolved XML tree that every message is read into and written from. Names are compared by
 * namespace URI and local name, never by prefix: senders choose their own prefixes.
 */
export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  /** Prefix the sender used; kept only to help write a familiar message, never to match names. */
  readonly prefix?: string;
  /**
   * Set on elements a writer serialised itself (large, regular structures such as ebRIM objects): the writer
   * emits `xml` as is, with `prefixes` (prefix -> namespace) declared on the document root.
   */
  readonly raw?: RawXml;
}

export interface RawXml {
  readonly xml: string;
  readonly prefixes: Readonly<Record<string, string>>;
}

export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== "string";
}

export function element(
  ns: string,
  local: string,
  attrs: Readonly<Record<string, string | undefined>> = {},
  children: readonly (XmlNode | undefined | false)[] = [],
): XmlElement {
  const list: XmlAttribute[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) list.push({ ns: "", local: name, value });
  }
  return { ns, local, attrs: list, children: children.filter((c): c is XmlNode => c !== undefined && c !== false) };
}

export function withAttribute(el: XmlElement, attr: XmlAttribute): XmlElement {
  return { ...el, attrs: [...el.attrs, attr] };
}

export function attribute(el: XmlElement, local: string, ns = ""): string | undefined {
  for (const a of el.attrs) if (a.local === local && a.ns === ns) return a.value;
  return undefined;
}

export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== "string") out.push(c);
  return out;
}

export function childrenNamed(el: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== "string" && c.local === local && c.ns === ns) out.push(c);
  return out;
}

export function firstChild(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== "string" && c.local === local && c.ns === ns) return c;
  return undefined;
}

export function textContent(el: XmlElement): string {
  let only: string | undefined;
  let parts: string[] | undefined;
  for (const c of el.children) {
    const t = typeof c === "string" ? c : textContent(c);
    if (only === undefined) only = t;
    else (parts ??= [only]).push(t);
  }
  return parts ? parts.join("") : (only ?? "");
}

export function isNamed(el: XmlElement, ns: string, local: string): boolean {
  return el.local === local && el.ns === ns;
}

/** "{ns}local" for messages and locations. */
export function qualifiedName(el: { ns: string; local: string }): string {
  return el.ns ? `{${el.ns}}${el.local}` : el.local;
}
