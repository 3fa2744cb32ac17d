import { NS } from "@opendsp/ebxml";
import { createHash } from "node:crypto";
import { scanSoapHeader } from "../peek/soap-header.scanner.js";
import { allElements, attributesOf, descendantsNamed, parseStrictXml } from "./dom-elements.js";
import type { XuaIdentity } from "./xua-identity.js";
import { XUA_NS } from "./xua-names.js";

const ASSERTION = { ns: XUA_NS.saml2, local: "Assertion" };
const ENCRYPTED_ASSERTION = { ns: XUA_NS.saml2, local: "EncryptedAssertion" };
const BARE_AMPERSAND = /&(?![A-Za-z_][\w.-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/;

/**
 * The one assertion of a SOAP header, located without parsing it: a SHA-256 of its exact bytes together with the
 * exact start tags of its ancestors (env:Envelope, env:Header, wsse:Security: their namespace declarations are the
 * assertion's context, and exclusive c14n's InclusiveNamespaces may pull them into what is signed), and the header
 * without the assertion.
 */
export interface LocatedAssertion {
  readonly key: string;
  /** The envelope's start and env:Header with the assertion's bytes cut out, closed with the envelope's end tag. */
  readonly headerWithoutAssertion: string;
}

/**
 * Locates the assertion when the header has the plain shape of ITI TF-2b 3.40.4.1 (exactly one saml2:Assertion, a
 * child of a wsse:Security block of env:Header, no saml2:EncryptedAssertion anywhere); undefined for anything else,
 * which then always takes the full verification.
 */
export function locateAssertion(bytes: Buffer): LocatedAssertion | undefined {
  let scan: ReturnType<typeof scanSoapHeader>;
  try {
    scan = scanSoapHeader(bytes, true, { spansOf: [ASSERTION, ENCRYPTED_ASSERTION] });
  } catch {
    // The full verification reports what is wrong.
    return undefined;
  }
  if (scan.kind !== "done" || scan.spans?.length !== 1) return undefined;
  const span = scan.spans[0];
  if (span === undefined || span.local !== ASSERTION.local) return undefined;
  const [envelope, header, security, ...deeper] = span.ancestors;
  if (envelope === undefined || header === undefined || security === undefined || deeper.length > 0) return undefined;
  if (header.ns !== NS.soap12 || header.local !== "Header" || security.ns !== XUA_NS.wsse || security.local !== "Security") return undefined;

  const hash = createHash("sha256");
  for (const tag of [envelope, header, security]) {
    hash.update(`${tag.end - tag.start}:`);
    hash.update(bytes.subarray(tag.start, tag.end));
  }
  hash.update(bytes.subarray(span.start, span.end));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const headerWithoutAssertion = `${bytes.toString("utf8", start, span.start)}${bytes.toString("utf8", span.end, scan.headerEnd)}</${scan.envelopeName}>`;
  return { key: hash.digest("base64"), headerWithoutAssertion };
}

/**
 * True when the rest of the header cannot change what the full verification decides about an assertion verified
 * before in the same context: it is well-formed XML (strictly, as the full verification parses it), holds no other
 * saml2:Assertion or saml2:EncryptedAssertion, and no other ID/Id/id attribute with the assertion's ID (which
 * XML-DSig's "#id" reference could resolve to instead: signature wrapping).
 */
export function headerRestIsInert(headerWithoutAssertion: string, assertionId: string): boolean {
  if (BARE_AMPERSAND.test(headerWithoutAssertion)) return false;
  let document: ReturnType<typeof parseStrictXml>["document"];
  try {
    ({ document } = parseStrictXml(headerWithoutAssertion, () => new Error("not well-formed")));
  } catch {
    return false;
  }
  if (descendantsNamed(document, ASSERTION.ns, ASSERTION.local).length > 0) return false;
  if (descendantsNamed(document, ENCRYPTED_ASSERTION.ns, ENCRYPTED_ASSERTION.local).length > 0) return false;
  for (const el of allElements(document)) {
    for (const attr of attributesOf(el)) {
      const local = attr.localName ?? attr.name;
      if ((local === "ID" || local === "Id" || local === "id") && attr.value === assertionId) return false;
    }
  }
  return true;
}

interface Entry {
  readonly identity: XuaIdentity;
  /** The entry answers only for fromMs <= now < untilMs. */
  readonly fromMs: number;
  readonly untilMs: number;
}

/**
 * Identities of assertions that passed the full verification, by LocatedAssertion key: a client sends the same
 * assertion with every request until it expires (XUA, ITI TF-2b 3.40.4.1; ITI-40 leaves its reuse to the client), and
 * its full verification (two XML parses, canonicalisation, digest, RSA) costs far more than the request's routing.
 * Only successes are kept; an entry answers only inside the assertion's validity window and the trusted certificates'
 * validity (checked on every request, without clock-skew grace: near the edges the full verification decides), never
 * after its NotOnOrAfter; the oldest entries go first past `maxEntries`. It belongs to one verifier, so to one set of
 * trust anchors and audiences: a new configuration makes a new verifier with an empty cache.
 */
export class VerifiedHeaderCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The identity verified for `key`, if its entry answers at `nowMs`. */
  get(key: string, nowMs: number): XuaIdentity | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.untilMs) {
      this.entries.delete(key);
      return undefined;
    }
    return nowMs >= entry.fromMs ? entry.identity : undefined;
  }

  remember(key: string, identity: XuaIdentity, fromMs: number, untilMs: number): void {
    this.entries.delete(key);
    if (!(fromMs < untilMs)) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { identity, fromMs, untilMs });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
