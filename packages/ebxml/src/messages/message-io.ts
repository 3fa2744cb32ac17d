import { parsed, xdsError, type ParseResult } from "../xds-error.js";
import { NS, type XdsErrorCode } from "../vocabulary.js";
import { Problems } from "../problems.js";
import { parseXml } from "../xml/parse-xml.js";
import { writeXml } from "../xml/write-xml.js";
import { XmlError } from "../xml/xml-error.js";
import { qualifiedName, type XmlElement } from "../xml/xml-node.js";

export type MessageInput = string | Uint8Array | XmlElement;

export interface ParseOptions {
  /** Error code for malformed metadata: XDSRegistryMetadataError (default) or XDSRepositoryMetadataError. */
  readonly metadataError?: XdsErrorCode;
}

/** The prefixes peers are used to reading; any prefix is accepted on input. */
export const PREFERRED_PREFIXES: Readonly<Record<string, string>> = {
  [NS.soap12]: "soapenv",
  [NS.wsa]: "wsa",
  [NS.rim]: "rim",
  [NS.rs]: "rs",
  [NS.lcm]: "lcm",
  [NS.query]: "query",
  [NS.xdsb]: "xdsb",
  [NS.rmd]: "rmd",
  [NS.xop]: "xop",
  [NS.xmime]: "xmime",
  [NS.xsi]: "xsi",
};

/**
 * Reads a message root of the expected name with `read`, turning every failure (not XML, DOCTYPE,
 * wrong root, missing parts) into XdsErrors instead of exceptions.
 */
export function parseMessage<T>(
  input: MessageInput,
  expected: { readonly ns: string; readonly local: string },
  read: (root: XmlElement, ctx: Problems) => T,
  options: ParseOptions = {},
): ParseResult<T> {
  const ctx = new Problems(options.metadataError);
  let root: XmlElement;
  try {
    root = typeof input === "string" || input instanceof Uint8Array ? parseXml(input) : input;
  } catch (e) {
    const reason = e instanceof XmlError ? e.message : "unreadable XML";
    return { ok: false, errors: [xdsError(ctx.metadataError, reason, expected.local)] };
  }
  if (root.local !== expected.local || root.ns !== expected.ns) {
    const hint = root.ns === NS.ebxml21Rs || root.ns === NS.ebxml21Rim ? " (ebXML 2.1 is not XDS.b: send ebRIM 3.0)" : "";
    return {
      ok: false,
      errors: [xdsError(ctx.metadataError, `expected {${expected.ns}}${expected.local}, got ${qualifiedName(root)}${hint}`, root.local)],
    };
  }
  const value = read(root, ctx);
  return parsed(value, ctx.list);
}

/** A standalone document: XML declaration and every namespace declared on the root. */
export function serializeMessage(root: XmlElement): string {
  return writeXml(root, { prefixes: PREFERRED_PREFIXES, declaration: true });
}
