import { childElements, escapeAttribute, parseXml, type XmlElement } from "@opendsp/ebxml";


/** WSDL 1.1 SOAP 1.2 binding namespace (soap12:address, soap12:binding, soap12:operation). */
export const WSDL_SOAP12_NS = "http://schemas.xmlsoap.org/wsdl/soap12/";
const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";

/**
 * A WSDL 1.1 document with the `location` of every soap12:address (WSDL 1.1 SOAP 1.2 binding §3.8) set to `location`:
 * the published IHE WSDLs carry a placeholder there, and SOAP stacks serve `<endpoint>?wsdl` with the real address.
 *
 * The document is edited as text, not re-serialised: QNames in attribute values (message="ihe:...",
 * element="query:...") depend on the prefixes as written, and comments and layout stay as committed. The tree is
 * parsed first to know how many addresses there are, and the edit must find exactly those.
 */
export function withSoap12Address(wsdl: string, location: string): string {
  const root = parseXml(wsdl);
  if (root.ns !== WSDL_NS || root.local !== "definitions") throw new TypeError("not a WSDL 1.1 document (wsdl:definitions)");
  const expected = countAddresses(root);
  const prefixes = soap12Prefixes(wsdl);
  let found = 0;
  const out = wsdl.replace(/<([A-Za-z_][\w.-]*):address\b([^>]*?)(\/?)>/g, (tag, prefix: string, attrs: string, close: string) => {
    if (!prefixes.has(prefix)) return tag;
    const replaced = attrs.replace(/(\slocation\s*=\s*)("[^"]*"|'[^']*')/, (_m, lead: string) => `${lead}"${escapeAttribute(location)}"`);
    if (replaced === attrs) throw new TypeError("a soap12:address without a location attribute");
    found++;
    return `<${prefix}:address${replaced}${close}>`;
  });
  if (found !== expected) throw new TypeError(`found ${found} soap12:address tags in the text but ${expected} in the document`);
  return out;
}

function countAddresses(el: XmlElement): number {
  let n = el.ns === WSDL_SOAP12_NS && el.local === "address" ? 1 : 0;
  for (const child of childElements(el)) n += countAddresses(child);
  return n;
}

/** The prefixes bound to the SOAP 1.2 binding namespace anywhere in the document. */
function soap12Prefixes(wsdl: string): Set<string> {
  const prefixes = new Set<string>();
  for (const m of wsdl.matchAll(/\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    if ((m[3] ?? m[4]) === WSDL_SOAP12_NS && m[1]) prefixes.add(m[1]);
  }
  return prefixes;
}
