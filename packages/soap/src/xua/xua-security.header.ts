import type { XmlElement } from "@opendsp/ebxml";
import { scanSoapHeader } from "../peek/soap-header.scanner.js";
import { readHeaderDocument } from "./security-header.reader.js";
import { XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

/**
 * A wsse:Security header block carrying a signed assertion (ITI TF-2b 3.40.4.1, WSS SAML Token Profile 1.1 §3.3),
 * for buildSoapRequest's or callSoap's `extraHeaders`. The assertion is written byte for byte as given: re-serialising
 * it could change what its signature covers.
 */
export function xuaSecurityHeader(assertionXml: string): XmlElement {
  // Written whole, with its own namespace declarations: the assertion was signed standalone and needs none from the
  // document, and the block keeps the wsse prefix peers expect.
  return { ns: XUA_NS.wsse, local: "Security", attrs: [], children: [], raw: { xml: securityBlock(standaloneAssertion(assertionXml)), prefixes: {} } };
}

function securityBlock(assertion: string): string {
  return `<wsse:Security xmlns:wsse="${XUA_NS.wsse}">${assertion}</wsse:Security>`;
}

/**
 * Puts a signed assertion into a serialised SOAP 1.2 envelope, in a new wsse:Security header block at the end of
 * env:Header (created when the envelope has none). The rest of the envelope is kept byte for byte. An envelope that
 * already has a wsse:Security header is refused: WSS 1.1 §5 allows one per role, and merging is the sender's choice.
 */
export function withXuaAssertion(envelopeXml: string, assertionXml: string): string {
  const assertion = standaloneAssertion(assertionXml);
  const bytes = Buffer.from(envelopeXml, "utf8");
  if (readHeaderDocument(bytes).securityHeaders.length > 0) {
    throw new XuaError("XUA_MALFORMED", "The envelope already has a wsse:Security header; add the assertion to it");
  }
  const scan = scanSoapHeader(bytes, true);
  if (scan.kind !== "done") throw new XuaError("XUA_MALFORMED", "The envelope's header is incomplete");
  const security = Buffer.from(securityBlock(assertion), "utf8");
  const head = bytes.subarray(0, scan.headerEnd);
  const rest = bytes.subarray(scan.headerEnd);
  const text = head.toString("latin1");
  const lastTag = text.lastIndexOf("<");
  const tag = text.slice(lastTag);
  const headerName = /^<\/?([^\s/>]+)/.exec(tag)?.[1];
  let out: Buffer[];
  if (headerName !== undefined && tag.startsWith("</") && localName(headerName) === "Header") {
    // <env:Header>...</env:Header>: the new block goes just before the end tag.
    out = [head.subarray(0, lastTag), security, head.subarray(lastTag), rest];
  } else if (headerName !== undefined && tag.endsWith("/>") && localName(headerName) === "Header") {
    // <env:Header/>: opened, filled and closed.
    out = [head.subarray(0, lastTag), Buffer.from(`<${headerName}>`), security, Buffer.from(`</${headerName}>`), rest];
  } else {
    // No header: SOAP 1.2 Part 1 §5.2 puts env:Header first, in the envelope's namespace, so with its prefix (in scope
    // since the envelope's start tag) or, for an unprefixed envelope, in the default namespace it set.
    const name = scan.envelopeName.replace(/Envelope$/, "Header");
    out = [head, Buffer.from(`<${name}>`), security, Buffer.from(`</${name}>`), rest];
  }
  return Buffer.concat(out).toString("utf8");
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

/** The assertion without an XML declaration or surrounding blanks, which cannot stand inside another element. */
function standaloneAssertion(assertionXml: string): string {
  const xml = assertionXml.replace(/^\uFEFF?\s*(<\?xml[^?]*\?>)?\s*/, "").trimEnd();
  if (!xml.startsWith("<")) throw new XuaError("XUA_MALFORMED", "The assertion is not XML");
  return xml;
}
