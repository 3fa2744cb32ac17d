import { NS } from "../vocabulary.js";
import type { Problems } from "../problems.js";
import { attribute, element, type XmlElement } from "../xml/xml-node.js";

/**
 * The bytes of a document inside a message (ITI TF-2b 3.41.4.1.2, 3.43.4.2.2): either an xop:Include that
 * points to a MIME part of the same message (resolved by the SOAP layer), or base64 text inline.
 */
export type DocumentPayload =
  | { readonly kind: "xop"; readonly href: string }
  | { readonly kind: "inline"; readonly bytes: Uint8Array };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function readDocumentPayload(el: XmlElement, ctx: Problems, location: string): DocumentPayload | undefined {
  let text = "";
  for (const c of el.children) {
    if (typeof c === "string") {
      text += c;
      continue;
    }
    if (c.ns === NS.xop && c.local === "Include") {
      const href = attribute(c, "href");
      if (!href) {
        ctx.error(location, "xop:Include has no href");
        return undefined;
      }
      return { kind: "xop", href };
    }
  }
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    ctx.error(location, "document content is neither an xop:Include nor valid base64");
    return undefined;
  }
  return { kind: "inline", bytes: Buffer.from(compact, "base64") };
}

export function writeDocumentPayload(local: string, attrs: Record<string, string | undefined>, p: DocumentPayload): XmlElement {
  const content =
    p.kind === "xop"
      ? element(NS.xop, "Include", { href: p.href })
      : Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).toString("base64");
  return element(NS.xdsb, local, attrs, [content]);
}
