import { NS } from "@opendsp/ebxml";
import type { AddressingProblem } from "../envelope/ws-addressing.js";
import { SoapError } from "../soap-error.js";

/**
 * Reads the WS-Addressing headers of a SOAP 1.2 envelope from its first bytes only, without the rest of the message:
 * what an intermediary needs to route on wsa:Action (WS-Addressing 1.0 SOAP Binding §2.1, ITI TF-2x V.3.2) while the
 * body, possibly hundreds of MB, is still arriving.
 *
 * It is a small namespace-aware tokenizer of the envelope's start: the XML declaration, comments, processing
 * instructions, start and end tags (prefixes resolved through xmlns declarations), character data and CDATA. It stops
 * at the end of env:Header or at the start of env:Body. Bytes are scanned as latin-1 so that a cut in the middle of
 * a UTF-8 sequence cannot shift offsets (markup is ASCII); header values are decoded as UTF-8 from the byte range.
 * It checks what routing relies on and nothing more: the full envelope is parsed and checked by the service.
 */

export interface PeekedAddressing {
  readonly action?: string;
  readonly messageId?: string;
  /** Repeated wsa:Action or wsa:MessageID (WS-Addressing 1.0 Core §3.2 allows one of each). */
  readonly problems: readonly AddressingProblem[];
}

export type HeaderScan =
  | { readonly kind: "more" }
  | {
      readonly kind: "done";
      readonly addressing: PeekedAddressing;
      /**
       * Byte offset where the header part of the envelope ends: just past env:Header's end tag (or its empty-element
       * tag), or where env:Body or the envelope's end tag starts when there is no header. bytes[0, headerEnd) is the
       * envelope's start with every header block in it, and without the body.
       */
      readonly headerEnd: number;
      /** The envelope element's name as written (e.g. "soapenv:Envelope"), to close a cut envelope with. */
      readonly envelopeName: string;
      /** Where the elements named in the scan's `spansOf` option are, in document order (only with that option). */
      readonly spans?: readonly ElementSpan[];
    };

/** An element's name, by namespace and local name. */
export interface ElementName {
  readonly ns: string;
  readonly local: string;
}

/** Bytes [start, end) of a start tag, with the element's name. */
export interface StartTagSpan extends ElementName {
  readonly start: number;
  readonly end: number;
}

/**
 * Where one element is: bytes [start, end) from its "<" to just past its end tag (or empty-element tag), and the
 * start tags of its ancestors from the envelope down (their namespace declarations are the element's context).
 */
export interface ElementSpan extends ElementName {
  readonly start: number;
  readonly end: number;
  readonly ancestors: readonly StartTagSpan[];
}

export interface ScanOptions {
  /** Elements whose spans the scan reports (e.g. saml2:Assertion, for a verifier that caches by exact bytes). */
  readonly spansOf?: readonly ElementName[];
}

const ROUTED = new Set(["Action", "MessageID"]);
// SOAP 1.2 Part 1 §2.2: blocks for these roles (or no role) are targeted at the ultimate receiver behind us too.
const ROLES_FOR_US = new Set(["", "http://www.w3.org/2003/05/soap-envelope/role/next", "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"]);

interface OpenElement {
  readonly ns: string;
  readonly local: string;
  readonly prefixes: Map<string, string>;
  readonly startTag: StartTagSpan;
  /** Set while the element is one whose span is reported: its end is filled in at its end tag. */
  readonly span?: { -readonly [K in keyof ElementSpan]: ElementSpan[K] };
}

/**
 * Scans `bytes`, the envelope from its first byte. `complete` says no more bytes will come (then an unfinished
 * header is malformed instead of "more"). Throws a SoapError for what cannot be a SOAP 1.2 envelope.
 */
export function scanSoapHeader(bytes: Buffer, complete: boolean, options: ScanOptions = {}): HeaderScan {
  const start = skipByteOrderMark(bytes);
  const watched = options.spansOf ?? [];
  const spans: ElementSpan[] = [];
  const s = bytes.toString("latin1");
  const stack: OpenElement[] = [];
  const values = new Map<string, string[]>();
  let collecting: { name: string; depth: number; text: string } | undefined;
  let envelopeName = "";
  let i = start;

  const more = (): HeaderScan => {
    if (complete) throw malformed("the message ends before the end of its SOAP header");
    return { kind: "more" };
  };
  const done = (headerEnd: number): HeaderScan => ({ kind: "done", addressing: addressingOf(values), headerEnd, envelopeName, ...(watched.length === 0 ? {} : { spans }) });

  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3c /* < */) {
      const lt = s.indexOf("<", i);
      const end = lt === -1 ? s.length : lt;
      if (collecting) collecting.text += decodeText(bytes, i, end);
      else if (stack.length === 0 && s.slice(i, end).trim() !== "") throw malformed("character data before the SOAP Envelope");
      if (lt === -1) return more();
      i = lt;
      continue;
    }
    if (s.startsWith("<?", i)) {
      const end = s.indexOf("?>", i + 2);
      if (end === -1) return more();
      i = end + 2;
      continue;
    }
    if (s.startsWith("<!--", i)) {
      const end = s.indexOf("-->", i + 4);
      if (end === -1) return more();
      i = end + 3;
      continue;
    }
    if (s.startsWith("<![CDATA[", i)) {
      const end = s.indexOf("]]>", i + 9);
      if (end === -1) return more();
      if (collecting) collecting.text += bytes.toString("utf8", i + 9, end);
      i = end + 3;
      continue;
    }
    if (s.startsWith("<!", i)) {
      if (s.length - i < 9 && !complete) return { kind: "more" };
      // SOAP 1.2 Part 1 §5: a SOAP message must not contain a document type declaration.
      throw new SoapError("SOAP_XML_DOCTYPE", "The message contains a document type declaration, which SOAP 1.2 forbids");
    }
    const tagEnd = findTagEnd(s, i + 1);
    if (tagEnd === -1) return more();
    const tag = s.slice(i + 1, tagEnd);
    const tagStart = i;
    i = tagEnd + 1;

    if (tag.startsWith("/")) {
      const open = stack.pop();
      if (!open) throw malformed("an end tag without a start tag");
      const [prefix, local] = splitName(tag.slice(1).trim());
      if (local !== open.local || resolve(open.prefixes, prefix) !== open.ns) throw malformed(`the end tag </${tag.slice(1).trim()}> does not match its start tag`);
      if (open.span) open.span.end = i;
      if (collecting && collecting.depth === stack.length + 1) {
        push(values, collecting.name, collecting.text.trim());
        collecting = undefined;
      }
      // The end of env:Header (depth 2) or of the envelope itself: every header block has been seen.
      if (stack.length === 1) return done(i);
      if (stack.length === 0) return done(tagStart);
      continue;
    }

    const selfClosing = tag.endsWith("/");
    const { name, attributes } = parseStartTag(selfClosing ? tag.slice(0, -1) : tag, bytes, tagEnd - tag.length);
    const parent = stack.at(-1);
    // The parent's bindings are shared until an element declares its own (most declare none).
    let prefixes: Map<string, string> = parent?.prefixes ?? new Map([["xml", NS.xml]]);
    for (const [attr, value] of attributes) {
      if (attr !== "xmlns" && !attr.startsWith("xmlns:")) continue;
      if (prefixes === parent?.prefixes) prefixes = new Map(prefixes);
      prefixes.set(attr === "xmlns" ? "" : attr.slice(6), value);
    }
    const [prefix, local] = splitName(name);
    const ns = resolve(prefixes, prefix);
    if (ns === undefined) throw malformed(`the namespace prefix "${prefix}" is not declared`);
    const depth = stack.length + 1;

    if (depth === 1) {
      checkEnvelope(ns, local);
      envelopeName = name;
    }
    if (depth === 2) {
      // SOAP 1.2 Part 1 §5.1: env:Header comes first; the first other child (env:Body) means there are no more headers.
      if (ns !== NS.soap12 || local !== "Header") return done(tagStart);
      if (selfClosing) return done(i);
    }
    if (depth === 3 && !collecting && ns === NS.wsa && ROUTED.has(local) && isForUltimateReceiver(attributes, prefixes)) {
      if (selfClosing) push(values, local, "");
      else collecting = { name: local, depth, text: "" };
    }
    const startTag: StartTagSpan = { ns, local, start: tagStart, end: i };
    let span: OpenElement["span"];
    if (watched.some((w) => w.ns === ns && w.local === local)) {
      span = { ns, local, start: tagStart, end: i, ancestors: stack.map((open) => open.startTag) };
      spans.push(span);
    }
    if (!selfClosing) stack.push({ ns, local, prefixes, startTag, ...(span === undefined ? {} : { span }) });
  }
  return more();
}

function checkEnvelope(ns: string, local: string): void {
  if (local === "Envelope" && ns === NS.soap11) {
    // SOAP 1.2 Part 1 §5.4.7: an envelope of another SOAP version is a VersionMismatch fault.
    throw new SoapError("SOAP_VERSION_MISMATCH", "SOAP 1.1 envelopes are not supported: send SOAP 1.2", { faultCode: "VersionMismatch" });
  }
  if (local !== "Envelope" || ns !== NS.soap12) throw new SoapError("SOAP_NOT_ENVELOPE", `Expected a SOAP 1.2 Envelope, got {${ns}}${local}`);
}

function isForUltimateReceiver(attributes: ReadonlyMap<string, string>, prefixes: ReadonlyMap<string, string>): boolean {
  for (const [attr, value] of attributes) {
    const [prefix, local] = splitName(attr);
    if (local === "role" && prefix !== "" && prefixes.get(prefix) === NS.soap12) return ROLES_FOR_US.has(value.trim());
  }
  return true;
}

function addressingOf(values: ReadonlyMap<string, string[]>): PeekedAddressing {
  const problems: AddressingProblem[] = [];
  for (const [header, list] of values) if (list.length > 1) problems.push({ header, subsubcode: "wsa:InvalidCardinality" });
  const action = values.get("Action")?.[0];
  const messageId = values.get("MessageID")?.[0];
  return { ...(action === undefined ? {} : { action }), ...(messageId === undefined ? {} : { messageId }), problems };
}

function push(values: Map<string, string[]>, name: string, value: string): void {
  const list = values.get(name);
  if (list) list.push(value);
  else values.set(name, [value]);
}

/** Index of the ">" closing the tag that starts at `from`, skipping ">" inside quoted attribute values; -1 if not there yet. */
function findTagEnd(s: string, from: number): number {
  let quote = "";
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return j;
    else if (c === "<") throw malformed("a \"<\" inside a tag");
  }
  return -1;
}

const NAME = /^[^\s=/>"'<]+/;
/** A character outside ASCII (a UTF-8 sequence read as latin-1) or a reference to decode. */
const NOT_PLAIN_ASCII = /[\x80-\xff&]/;
const ATTRIBUTE = /\s*([^\s=/>"'<]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/** Element name and attributes of a start tag's text (between "<" and ">" or "/>"); `offset` is its byte index. */
function parseStartTag(tag: string, bytes: Buffer, offset: number): { name: string; attributes: Map<string, string> } {
  const name = NAME.exec(tag)?.[0];
  if (!name) throw malformed("a start tag without a name");
  const attributes = new Map<string, string>();
  let at = name.length;
  while (at < tag.length) {
    if (tag.slice(at).trim() === "") break;
    ATTRIBUTE.lastIndex = at;
    const m = ATTRIBUTE.exec(tag);
    if (!m?.[1]) throw malformed(`a malformed attribute in <${name}>`);
    if (attributes.has(m[1])) throw malformed(`the attribute ${m[1]} appears twice in <${name}>`);
    const quoted = m[2] ?? m[3] ?? "";
    // The value ends just before the closing quote, at lastIndex - 1. Plain ASCII reads the same as latin-1.
    const valueStart = offset + ATTRIBUTE.lastIndex - 1 - quoted.length;
    attributes.set(m[1], NOT_PLAIN_ASCII.test(quoted) ? decodeText(bytes, valueStart, valueStart + quoted.length) : quoted);
    at = ATTRIBUTE.lastIndex;
  }
  return { name, attributes };
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(":");
  return colon === -1 ? ["", qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolve(prefixes: ReadonlyMap<string, string>, prefix: string): string | undefined {
  const ns = prefixes.get(prefix);
  // An unprefixed name without a default namespace is in no namespace.
  return ns === undefined && prefix === "" ? "" : ns;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Character data of bytes[start, end) as UTF-8, with the predefined entities and character references decoded. */
function decodeText(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString("utf8", start, end);
  if (!text.includes("&")) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) throw malformed("an unterminated entity reference");
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    const code = /^#x[0-9a-f]+$/i.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : Number.NaN;
    if (Number.isNaN(code) || code > 0x10ffff) throw malformed(`the entity &${ref}; is not defined`);
    return String.fromCodePoint(code);
  });
}

function skipByteOrderMark(bytes: Buffer): number {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 3;
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe) || bytes[0] === 0 || bytes[1] === 0) {
    throw new SoapError("SOAP_CONTENT_TYPE", "UTF-16 envelopes are not accepted at this endpoint: send UTF-8");
  }
  return 0;
}

function malformed(why: string): SoapError {
  return new SoapError("SOAP_MALFORMED_XML", `The SOAP envelope is not well-formed: ${why}`);
}
