import type { XmlElement } from "./xml-node.js";

export interface WriteXmlOptions {
  /** Preferred prefix per namespace URI; unknown namespaces get ns1, ns2, ... */
  readonly prefixes?: Readonly<Record<string, string>>;
  /** Write the `<?xml version="1.0" encoding="UTF-8"?>` declaration. */
  readonly declaration?: boolean;
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/**
 * Serialises the tree. Every namespace used anywhere is declared once on the root element, so the output
 * is compact and the same model always gives the same bytes.
 */
export function writeXml(root: XmlElement, options: WriteXmlOptions = {}): string {
  return writePieces(root, options).join("");
}

/**
 * The same bytes as `writeXml`, encoded as UTF-8 straight into one Buffer. A large answer (a LeafClass query result
 * of some hundred kilobytes) then never exists as one JavaScript string: such a string lives in V8's large-object
 * space, where each one counts towards the next full garbage collection, while the Buffer is freed with its wrapper.
 */
export function writeXmlUtf8(root: XmlElement, options: WriteXmlOptions = {}): Buffer {
  const pieces = writePieces(root, options);
  let size = 0;
  for (const piece of pieces) size += Buffer.byteLength(piece, "utf8");
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const piece of pieces) offset += out.write(piece, offset, "utf8");
  return out;
}

function writePieces(root: XmlElement, options: WriteXmlOptions): string[] {
  const prefixOf = assignPrefixes(root, options.prefixes ?? {});
  const out: string[] = [];
  if (options.declaration) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeElement(root, prefixOf, out, true);
  return out;
}

function assignPrefixes(root: XmlElement, preferred: Readonly<Record<string, string>>): Map<string, string> {
  const map = new Map<string, string>();
  const used = new Set<string>();
  let n = 0;
  const visit = (ns: string): void => {
    if (!ns || ns === XML_NS || map.has(ns)) return;
    let p = preferred[ns];
    if (p === undefined || used.has(p)) {
      do p = `ns${++n}`;
      while (used.has(p));
    }
    map.set(ns, p);
    used.add(p);
  };
  const walk = (el: XmlElement): void => {
    if (el.raw) {
      for (const [prefix, ns] of Object.entries(el.raw.prefixes)) {
        const bound = map.get(ns);
        if (bound === prefix) continue;
        if (bound !== undefined || used.has(prefix)) {
          throw new Error(`pre-serialised XML needs prefix ${prefix} for ${ns}, which is bound otherwise`);
        }
        map.set(ns, prefix);
        used.add(prefix);
      }
      return;
    }
    visit(el.ns);
    for (const a of el.attrs) visit(a.ns);
    for (const c of el.children) if (typeof c !== "string") walk(c);
  };
  walk(root);
  return map;
}

function writeElement(el: XmlElement, prefixOf: Map<string, string>, out: string[], isRoot: boolean): void {
  if (el.raw && !isRoot) {
    out.push(el.raw.xml);
    return;
  }
  const name = qname(el.ns, el.local, prefixOf, false);
  out.push("<", name);
  if (isRoot) {
    for (const [ns, prefix] of prefixOf) out.push(" xmlns:", prefix, '="', escapeAttribute(ns), '"');
  }
  for (const a of el.attrs) out.push(" ", qname(a.ns, a.local, prefixOf, true), '="', escapeAttribute(a.value), '"');
  if (el.children.length === 0) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const c of el.children) {
    if (typeof c === "string") out.push(escapeText(c));
    else writeElement(c, prefixOf, out, false);
  }
  out.push("</", name, ">");
}

function qname(ns: string, local: string, prefixOf: Map<string, string>, isAttribute: boolean): string {
  if (!ns) return local;
  if (ns === XML_NS) return `xml:${local}`;
  const p = prefixOf.get(ns);
  // Elements without a namespace are written unprefixed; attributes in a namespace always need a prefix.
  return p === undefined && !isAttribute ? local : `${p}:${local}`;
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\r\n\t]/;

export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

export function escapeAttribute(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}
