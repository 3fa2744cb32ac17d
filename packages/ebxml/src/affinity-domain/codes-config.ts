import { assign } from "../metadata/rim-access.js";
import { CLASSIFICATION_SCHEME as CS } from "../vocabulary.js";
import { parseXml } from "../xml/parse-xml.js";
import { writeXml } from "../xml/write-xml.js";
import { XmlError } from "../xml/xml-error.js";
import { attribute, element, type XmlElement, type XmlNode } from "../xml/xml-node.js";

/**
 * The code sets of an affinity domain (ITI TF-3 4.2.3.1.x: coded attributes take their values from the codes the
 * affinity domain agreed on), read from and written to the NIST toolkit's `codes.xml` format so a configuration
 * can be exchanged with the toolkit: `<Codes>` holding `<CodeType name classScheme>` elements of
 * `<Code code display codingScheme system deprecated="yes">`, a `mimeType` CodeType of `<Code code ext>`, and
 * `<AssigningAuthority id="&OID&ISO" display>` elements.
 */
export interface ConfiguredCode {
  readonly code: string;
  readonly display?: string;
  /** The value of the Classification's codingScheme slot (usually an OID). */
  readonly codingScheme: string;
  /** The FHIR code system URI (MHD); not used by XDS.b. */
  readonly system?: string;
  /** Retired: still valid on registered entries, refused in new submissions. */
  readonly deprecated: boolean;
}

export interface CodeTypeConfig {
  readonly name: string;
  /** The classificationScheme UUID of the coded attribute (ITI TF-3 Table 4.2.5-1). */
  readonly classScheme?: string;
  readonly codes: readonly ConfiguredCode[];
}

export interface MimeTypeConfig {
  readonly code: string;
  /** File name extension the toolkit uses for documents of this type. */
  readonly ext?: string;
  readonly deprecated: boolean;
}

export interface AssigningAuthorityConfig {
  /** The CX.4 value, `&OID&ISO`. */
  readonly id: string;
  readonly display?: string;
}

export interface CodesConfig {
  /** Every CodeType except mimeType, by name, in file order; unknown names are kept. */
  readonly codeTypes: ReadonlyMap<string, CodeTypeConfig>;
  readonly mimeTypes: readonly MimeTypeConfig[];
  readonly assigningAuthorities: readonly AssigningAuthorityConfig[];
}

/** The CodeType names of the NIST toolkit and the classification scheme each one stands for. */
export const CODE_TYPE_SCHEME = {
  classCode: CS.documentEntryClassCode,
  confidentialityCode: CS.documentEntryConfidentialityCode,
  formatCode: CS.documentEntryFormatCode,
  healthcareFacilityTypeCode: CS.documentEntryHealthcareFacilityTypeCode,
  practiceSettingCode: CS.documentEntryPracticeSettingCode,
  eventCodeList: CS.documentEntryEventCodeList,
  typeCode: CS.documentEntryTypeCode,
  contentTypeCode: CS.submissionSetContentTypeCode,
  folderCodeList: CS.folderCodeList,
  associationDocumentation: CS.associationDocumentation,
} as const;
export type CodeTypeName = keyof typeof CODE_TYPE_SCHEME;

export const MIME_TYPE_CODE_TYPE = "mimeType";

/** A codes configuration that cannot be used; raised once, when the configuration is loaded. */
export class CodesConfigError extends Error {
  override readonly name = "CodesConfigError";
}

export function parseCodesXml(xml: string | Uint8Array): CodesConfig {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (cause) {
    const reason = cause instanceof XmlError ? cause.message : String(cause);
    throw new CodesConfigError(`codes configuration is not an XML document we accept: ${reason}`, { cause });
  }
  if (root.local !== "Codes" || root.ns !== "") {
    throw new CodesConfigError(`codes configuration: the root element must be <Codes> (no namespace), got ${describe(root)}`);
  }
  const codeTypes = new Map<string, CodeTypeConfig>();
  let mimeTypes: MimeTypeConfig[] | undefined;
  const assigningAuthorities: AssigningAuthorityConfig[] = [];
  for (const el of elements(root)) {
    if (el.local === "AssigningAuthority") {
      assigningAuthorities.push(readAssigningAuthority(el, assigningAuthorities.length + 1));
    } else if (el.local === "CodeType") {
      const name = attribute(el, "name")?.trim();
      if (!name) throw new CodesConfigError("codes configuration: a <CodeType> has no name attribute");
      if (codeTypes.has(name) || (name === MIME_TYPE_CODE_TYPE && mimeTypes)) {
        throw new CodesConfigError(`codes configuration: CodeType "${name}" is defined twice`);
      }
      if (name === MIME_TYPE_CODE_TYPE) mimeTypes = readMimeTypes(el);
      else codeTypes.set(name, readCodeType(el, name));
    } else {
      throw new CodesConfigError(`codes configuration: unexpected element ${describe(el)} in <Codes>`);
    }
  }
  return { codeTypes, mimeTypes: mimeTypes ?? [], assigningAuthorities };
}

function readCodeType(el: XmlElement, name: string): CodeTypeConfig {
  const classScheme = attribute(el, "classScheme")?.trim();
  const expected = (CODE_TYPE_SCHEME as Readonly<Record<string, string>>)[name];
  if (expected !== undefined && classScheme !== undefined && classScheme !== expected) {
    throw new CodesConfigError(
      `codes configuration: CodeType "${name}" has classScheme "${classScheme}", but ITI TF-3 Table 4.2.5-1 gives ${expected}`,
    );
  }
  const codes = codeElements(el, name).map((c, i): ConfiguredCode => {
    const where = `CodeType "${name}", Code #${i + 1}`;
    const code = requiredAttribute(c, "code", where);
    const codingScheme = requiredAttribute(c, "codingScheme", `${where} (code "${code}")`);
    const out: Mutable<ConfiguredCode> = { code, codingScheme, deprecated: readDeprecated(c, where) };
    assign(out, "display", attribute(c, "display"));
    assign(out, "system", attribute(c, "system"));
    return out;
  });
  const type: Mutable<CodeTypeConfig> = { name, codes };
  assign(type, "classScheme", classScheme);
  return type;
}

function readMimeTypes(el: XmlElement): MimeTypeConfig[] {
  return codeElements(el, MIME_TYPE_CODE_TYPE).map((c, i) => {
    const where = `CodeType "mimeType", Code #${i + 1}`;
    const code = requiredAttribute(c, "code", where);
    const out: Mutable<MimeTypeConfig> = { code, deprecated: readDeprecated(c, where) };
    assign(out, "ext", attribute(c, "ext"));
    return out;
  });
}

function readAssigningAuthority(el: XmlElement, index: number): AssigningAuthorityConfig {
  const id = requiredAttribute(el, "id", `AssigningAuthority #${index}`);
  const out: Mutable<AssigningAuthorityConfig> = { id };
  assign(out, "display", attribute(el, "display"));
  return out;
}

function codeElements(codeType: XmlElement, name: string): XmlElement[] {
  const out = elements(codeType);
  for (const c of out) {
    if (c.local !== "Code") throw new CodesConfigError(`codes configuration: unexpected element ${describe(c)} in CodeType "${name}"`);
  }
  return out;
}

function requiredAttribute(el: XmlElement, name: string, where: string): string {
  const value = attribute(el, name)?.trim();
  if (!value) throw new CodesConfigError(`codes configuration: ${where} has no ${name} attribute`);
  return value;
}

/** The toolkit writes deprecated="yes"; true/false and no are read too. */
function readDeprecated(el: XmlElement, where: string): boolean {
  const value = attribute(el, "deprecated")?.trim().toLowerCase();
  if (value === undefined || value === "no" || value === "false") return false;
  if (value === "yes" || value === "true") return true;
  throw new CodesConfigError(`codes configuration: ${where} has deprecated="${value}"; use deprecated="yes"`);
}

function elements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (typeof c !== "string") out.push(c);
    else if (c.trim()) throw new CodesConfigError(`codes configuration: unexpected text "${c.trim().slice(0, 40)}" in <${el.local}>`);
  }
  return out;
}

function describe(el: XmlElement): string {
  return el.ns ? `<{${el.ns}}${el.local}>` : `<${el.local}>`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The configuration in the toolkit's format, indented, so it can be exported and exchanged. */
export function serializeCodesXml(config: CodesConfig): string {
  const codeTypes: XmlElement[] = [...config.codeTypes.values()].map((t) =>
    element("", "CodeType", { name: t.name, classScheme: t.classScheme }, indent(t.codes.map(writeCode), 2)),
  );
  if (config.mimeTypes.length > 0) {
    const mimes = config.mimeTypes.map((m) => element("", "Code", { code: m.code, ext: m.ext, deprecated: m.deprecated ? "yes" : undefined }));
    codeTypes.push(element("", "CodeType", { name: MIME_TYPE_CODE_TYPE }, indent(mimes, 2)));
  }
  const authorities = config.assigningAuthorities.map((a) => element("", "AssigningAuthority", { id: a.id, display: a.display }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(element("", "Codes", {}, indent([...codeTypes, ...authorities], 1)))}\n`;
}

function writeCode(c: ConfiguredCode): XmlElement {
  return element("", "Code", {
    code: c.code,
    display: c.display,
    codingScheme: c.codingScheme,
    system: c.system,
    deprecated: c.deprecated ? "yes" : undefined,
  });
}

function indent(children: readonly XmlElement[], depth: number): XmlNode[] {
  if (children.length === 0) return [];
  const out: XmlNode[] = [];
  for (const c of children) out.push(`\n${"    ".repeat(depth)}`, c);
  out.push(`\n${"    ".repeat(depth - 1)}`);
  return out;
}
