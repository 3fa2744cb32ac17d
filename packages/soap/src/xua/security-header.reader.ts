import { NS } from "@opendsp/ebxml";
import { scanSoapHeader } from "../peek/soap-header.scanner.js";
import { SoapError } from "../soap-error.js";
import { childrenNamed, parseStrictXml, type DomDocument, type DomElement } from "./dom-elements.js";
import { XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

const BARE_AMPERSAND = /&(?![A-Za-z_][\w.-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;

/** The SOAP header of a request as a DOM, with the text it was parsed from (the signature is checked on that text). */
export interface HeaderDocument {
  /** The envelope's start and env:Header, closed with the envelope's end tag: the body is left out. */
  readonly xml: string;
  readonly document: DomDocument;
  /** The wsse:Security header blocks (WSS 1.1 SOAP Message Security §5), in order. */
  readonly securityHeaders: readonly DomElement[];
}

/**
 * Reads the env:Header of a SOAP 1.2 envelope given whole or as a prefix that holds the complete header (what the
 * gateway's peek keeps of a large request). The header part is cut at the end of env:Header and the envelope is closed
 * after it: the assertion lives in the header (WSS 1.1 §5, ITI TF-2b 3.40.4.1), so the body is never parsed.
 */
export function readHeaderDocument(input: Buffer | string): HeaderDocument {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  let headerEnd: number;
  let envelopeName: string;
  try {
    // complete: the caller has no more bytes; a header cut short is malformed, not "more".
    const scan = scanSoapHeader(bytes, true);
    if (scan.kind !== "done") throw new SoapError("SOAP_MALFORMED_XML", "the SOAP header is incomplete");
    ({ headerEnd, envelopeName } = scan);
  } catch (err) {
    const why = err instanceof Error ? err.message : "unreadable";
    throw new XuaError("XUA_MALFORMED", `The SOAP header cannot be read: ${why}`, { cause: err });
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const xml = `${bytes.toString("utf8", start, headerEnd)}</${envelopeName}>`;
  // XML 1.0 §2.4: "&" starts a reference or is escaped. xmldom 0.8 keeps a bare one as text; refuse it here.
  if (BARE_AMPERSAND.test(xml)) throw new XuaError("XUA_MALFORMED", "The SOAP header is not well-formed XML (an \"&\" that starts no reference)");
  const { document, root } = parseStrictXml(xml, (why) => new XuaError("XUA_MALFORMED", `The SOAP header is not well-formed XML (${why})`));
  const headers = childrenNamed(root, NS.soap12, "Header");
  const securityHeaders = headers.flatMap((h) => childrenNamed(h, XUA_NS.wsse, "Security"));
  return { xml, document, securityHeaders };
}
