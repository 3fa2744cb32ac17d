import xmldomParser from "@xmldom/xmldom/lib/dom-parser.js";

/**
 * The few DOM operations the XUA code needs, on @xmldom/xmldom 0.8 (the version xml-crypto parses with, so nodes
 * can be handed to it). Elements are matched by namespace URI and local name, never by prefix.
 *
 * xmldom's type declarations pull the browser DOM library into the whole program (`/// <reference lib="dom" />`),
 * which breaks Node's own fetch and stream types elsewhere; so its parser module is imported untyped
 * (xmldom-dom-parser.d.ts) and described by the minimal interfaces below.
 */

export interface DomNode {
  readonly nodeType: number;
  readonly parentNode: DomNode | null;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly textContent: string | null;
}

export interface DomAttr {
  /** The qualified name, prefix included. */
  readonly name: string;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly value: string;
}

interface DomList<T> {
  readonly length: number;
  item(index: number): T | null;
}

interface DomContainer extends DomNode {
  getElementsByTagNameNS(ns: string, local: string): DomList<DomElement>;
  getElementsByTagName(name: string): DomList<DomElement>;
}

export interface DomElement extends DomContainer {
  /** The qualified name, prefix included. */
  readonly tagName: string;
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly attributes: DomList<DomAttr>;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
}

export interface DomDocument extends DomContainer {
  readonly documentElement: DomElement | null;
}

type ErrorHandler = (message: unknown) => void;

interface XmldomModule {
  DOMParser: new (options: { locator: object; errorHandler: { warning: ErrorHandler; error: ErrorHandler; fatalError: ErrorHandler } }) => {
    parseFromString(xml: string, mimeType: string): DomDocument | undefined;
  };
}

// A static import, so that bundles (the command-line tool's single file) carry the parser with them.
const { DOMParser } = xmldomParser as XmldomModule;

const ELEMENT_NODE = 1;

/**
 * Parses `xml` and throws on every parser complaint, warnings included: xmldom 0.8 otherwise repairs broken markup
 * silently, and a signature must be checked on exactly what was sent. `fail` is told only where the problem is:
 * the parser's own messages may quote the text, which can hold patient identifiers.
 */
export function parseStrictXml(xml: string, fail: (where: string) => Error): { document: DomDocument; root: DomElement } {
  const complain = (message: unknown): never => {
    const at = /line:(\d+),col:(\d+)/.exec(String(message));
    throw fail(at ? `at line ${at[1]}, column ${at[2]}` : "in the document");
  };
  const document = new DOMParser({ locator: {}, errorHandler: { warning: complain, error: complain, fatalError: complain } }).parseFromString(xml, "text/xml");
  const root = document?.documentElement;
  if (!document || !root) throw fail("in the document (no root element)");
  return { document, root };
}

export function isElement(node: DomNode | null | undefined): node is DomElement {
  return node?.nodeType === ELEMENT_NODE;
}

export function isNamed(el: DomElement, ns: string, local: string): boolean {
  return el.localName === local && el.namespaceURI === ns;
}

export function childElements(parent: DomNode): DomElement[] {
  const out: DomElement[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) if (isElement(c)) out.push(c);
  return out;
}

export function childrenNamed(parent: DomNode, ns: string, local: string): DomElement[] {
  return childElements(parent).filter((c) => isNamed(c, ns, local));
}

/** Every element named {ns}local below `root`, at any depth, in document order. */
export function descendantsNamed(root: DomDocument | DomElement, ns: string, local: string): DomElement[] {
  return listOf(root.getElementsByTagNameNS(ns, local));
}

/** Every element below `root`, in document order. */
export function allElements(root: DomDocument | DomElement): DomElement[] {
  return listOf(root.getElementsByTagName("*"));
}

/** An unqualified attribute's value, or undefined when it is absent (xmldom's getAttribute gives "" then). */
export function attributeOf(el: DomElement, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? "" : undefined;
}

/** The element's character data, every text node joined (a comment inside cannot cut a value short). */
export function textOf(el: DomElement): string {
  return (el.textContent ?? "").trim();
}

/** The attributes of an element, namespace declarations included. */
export function attributesOf(el: DomElement): DomAttr[] {
  return listOf(el.attributes);
}

function listOf<T>(list: DomList<T>): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list.item(i);
    if (item !== null) out.push(item);
  }
  return out;
}
