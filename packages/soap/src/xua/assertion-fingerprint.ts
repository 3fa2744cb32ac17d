import { createHash } from "node:crypto";
import { attributesOf, type DomElement, type DomNode } from "./dom-elements.js";

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;

/**
 * A SHA-256 of everything in an assertion that its canonical form (exclusive c14n, XML-DSig Core §4.3.3; comments
 * left out, as the accepted algorithm does) can depend on: qualified names and namespaces of elements and
 * attributes, attribute values, text and processing instructions, in document order. Two assertions with the same
 * fingerprint canonicalise alike, so a signature verified for one holds for the other: the verifier keeps its
 * verdicts under this key and does not run the XML-DSig check again for an assertion a client sends on every request.
 */
export function assertionFingerprint(assertion: DomElement): string {
  const hash = createHash("sha256");
  const feed = (kind: string, ...parts: (string | null | undefined)[]): void => {
    hash.update(kind);
    for (const part of parts) {
      const text = part ?? "";
      hash.update(`${text.length}:`);
      hash.update(text);
    }
  };
  const walk = (node: DomNode): void => {
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (child.nodeType === ELEMENT) {
        const el = child as DomElement;
        feed("<", el.namespaceURI, el.tagName);
        for (const attr of attributesOf(el).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) feed("@", attr.namespaceURI, attr.name, attr.value);
        walk(el);
        feed(">");
      } else if (child.nodeType === TEXT || child.nodeType === CDATA) {
        feed("t", child.textContent);
      } else if (child.nodeType === PROCESSING_INSTRUCTION) {
        feed("?", (child as DomNode & { nodeName?: string }).nodeName, child.textContent);
      }
    }
  };
  feed("<", assertion.namespaceURI, assertion.tagName);
  for (const attr of attributesOf(assertion).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) feed("@", attr.namespaceURI, attr.name, attr.value);
  walk(assertion);
  return hash.digest("base64");
}
