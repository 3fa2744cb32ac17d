import { SaxesParser, type SaxesTagNS } from "saxes";
import { XmlError } from "./xml-error.js";
import type { XmlAttribute, XmlElement, XmlNode } from "./xml-node.js";

export interface ParseXmlOptions {
  /** Deepest element nesting accepted; ebRIM messages stay under 20, the cap guards recursion. */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 128;
const XMLNS_URI = "http://www.w3.org/2000/xmlns/";

interface Frame {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly attrs: XmlAttribute[];
  readonly children: XmlNode[];
}

/**
 * Parses a whole XML document into the namespace-resolved tree.
 * Hardening (OWASP XXE prevention): any DOCTYPE is refused, so no external entity is fetched and no entity
 * expansion can blow up; only the five predefined entities and character references are recognised.
 */
export function parseXml(input: string | Uint8Array, options: ParseXmlOptions = {}): XmlElement {
  const text = typeof input === "string" ? stripBom(input) : decodeXml(input);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Frame[] = [];
  let root: XmlElement | undefined;
  let refused: XmlError | undefined;

  parser.on("doctype", () => {
    refused ??= new XmlError("XML_DOCTYPE", "DOCTYPE declarations are not accepted (XML entity attacks)");
  });
  parser.on("opentag", (tag) => {
    if (stack.length >= maxDepth) {
      refused ??= new XmlError("XML_TOO_DEEP", `elements nested deeper than ${maxDepth}`);
      return;
    }
    stack.push(openFrame(tag));
  });
  parser.on("closetag", () => {
    const frame = stack.pop();
    if (!frame) return;
    const el: XmlElement = {
      ns: frame.ns,
      local: frame.local,
      attrs: frame.attrs,
      children: frame.children,
      prefix: frame.prefix,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
  });
  const onText = (t: string): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(t);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);

  try {
    parser.write(text).close();
  } catch (cause) {
    // A refused DOCTYPE explains later failures (an entity it declared is then undefined).
    if (refused) throw refused;
    throw new XmlError("XML_MALFORMED", `not well-formed XML: ${messageOf(cause)}`, { cause });
  }
  if (refused) throw refused;
  if (!root) throw new XmlError("XML_MALFORMED", "no root element");
  return root;
}

function openFrame(tag: SaxesTagNS): Frame {
  const attrs: XmlAttribute[] = [];
  for (const key in tag.attributes) {
    const a = tag.attributes[key];
    if (!a || a.uri === XMLNS_URI || a.name === "xmlns") continue;
    attrs.push({ ns: a.uri, local: a.local, value: a.value });
  }
  return { ns: tag.uri, local: tag.local, prefix: tag.prefix, attrs, children: [] };
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** XDS messages are UTF-8 (ITI TF-2x Appendix V); a declared other encoding is honoured when the runtime knows it. */
function decodeXml(bytes: Uint8Array): string {
  const declared = declaredEncoding(bytes);
  try {
    if (declared && declared !== "utf-8" && declared !== "utf8") {
      return stripBom(new TextDecoder(declared, { fatal: true }).decode(bytes));
    }
    return stripBom(utf8.decode(bytes));
  } catch (cause) {
    throw new XmlError("XML_ENCODING", `the document is not valid ${declared ?? "UTF-8"}`, { cause });
  }
}

function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString("latin1");
  const m = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m?.[1]?.toLowerCase();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
