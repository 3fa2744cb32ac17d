import type { Problems } from "../problems.js";
import type { Code } from "../metadata/code.js";
import type { XdsMetadata } from "../metadata/xds-metadata.js";
import { CODE_TYPE_SCHEME, type CodesConfig, type CodeTypeConfig, type CodeTypeName } from "./codes-config.js";

/**
 * The code configuration a registry runs with: a CodesConfig for an affinity domain that fixes its code sets, or
 * undefined for an open domain, where any code is accepted and no check is made.
 */
export type AffinityDomainCodes = CodesConfig | undefined;

export function isOpenDomain(config: AffinityDomainCodes): config is undefined {
  return config === undefined;
}

/** Per classification scheme: "code\u0000codingScheme" -> deprecated. */
interface CodeIndex {
  readonly bySchemeAndCode: ReadonlyMap<string, ReadonlyMap<string, boolean>>;
  /** Per scheme, the codingSchemes each code is known under (to hint at a wrong codingScheme). */
  readonly schemesOfCode: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly mimeTypes: ReadonlyMap<string, boolean>;
}

const indexes = new WeakMap<CodesConfig, CodeIndex>();

/**
 * Checks every coded attribute of a submission against the affinity domain's code sets (ITI TF-3 4.2.3.1.x; the
 * NIST toolkit does the same with its codes.xml) and reports each code that is not in them, or is deprecated
 * there, as problems.metadataError (XDSRegistryMetadataError, XDSRepositoryMetadataError for ITI-41).
 * A code matches on (classification scheme of the attribute, code, codingScheme). An attribute whose CodeType is
 * not configured at all is not restricted; mimeType is checked only when the mimeType list is not empty.
 * Meant for new submissions (ITI-41/42/57): a deprecated code is refused there, while entries registered before
 * keep theirs.
 * `config` undefined is an open domain: nothing is checked.
 */
export function checkAffinityDomainCodes(metadata: XdsMetadata, config: AffinityDomainCodes, problems: Problems): void {
  if (isOpenDomain(config)) return;
  const index = indexOf(config);
  const check = (where: string, attributeName: string, type: CodeTypeName, codes: readonly (Code | undefined)[]): void => {
    const scheme = CODE_TYPE_SCHEME[type];
    const known = index.bySchemeAndCode.get(scheme);
    if (!known) return;
    for (const c of codes) {
      if (!c) continue;
      const deprecated = known.get(key(c.code, c.codingScheme));
      if (deprecated === false) continue;
      const what = `${attributeName} code "${c.code}" (codingScheme "${c.codingScheme}")`;
      if (deprecated === true) {
        problems.error(where, `${what} is deprecated in the affinity domain's code set and is not accepted in new submissions`);
      } else {
        const elsewhere = index.schemesOfCode.get(scheme)?.get(c.code);
        const hint = elsewhere ? `; the domain has this code under codingScheme ${elsewhere.map((s) => `"${s}"`).join(", ")}` : "";
        problems.error(where, `${what} is not in the affinity domain's code set${hint}`);
      }
    }
  };

  for (const de of metadata.documentEntries) {
    const where = locationOf(de.entryUuid, de.uniqueId);
    check(where, "XDSDocumentEntry.classCode", "classCode", [de.classCode]);
    check(where, "XDSDocumentEntry.confidentialityCode", "confidentialityCode", de.confidentialityCodes);
    check(where, "XDSDocumentEntry.eventCodeList", "eventCodeList", de.eventCodes);
    check(where, "XDSDocumentEntry.formatCode", "formatCode", [de.formatCode]);
    check(where, "XDSDocumentEntry.healthcareFacilityTypeCode", "healthcareFacilityTypeCode", [de.healthcareFacilityTypeCode]);
    check(where, "XDSDocumentEntry.practiceSettingCode", "practiceSettingCode", [de.practiceSettingCode]);
    check(where, "XDSDocumentEntry.typeCode", "typeCode", [de.typeCode]);
    if (de.mimeType !== undefined && index.mimeTypes.size > 0) checkMimeType(de.mimeType, where, index, problems);
  }
  for (const ss of metadata.submissionSets) {
    check(locationOf(ss.entryUuid, ss.uniqueId), "XDSSubmissionSet.contentTypeCode", "contentTypeCode", [ss.contentTypeCode]);
  }
  for (const f of metadata.folders) {
    check(locationOf(f.entryUuid, f.uniqueId), "XDSFolder.codeList", "folderCodeList", f.codeList);
  }
  for (const a of metadata.associations) {
    check(a.entryUuid, "Association.associationDocumentation", "associationDocumentation", [a.documentation]);
  }
}

/** MIME types compare case-insensitively and without parameters (RFC 2045 5.1). */
function checkMimeType(mimeType: string, where: string, index: CodeIndex, problems: Problems): void {
  const deprecated = index.mimeTypes.get(normalizeMimeType(mimeType));
  if (deprecated === false) return;
  problems.error(
    where,
    deprecated === true
      ? `XDSDocumentEntry.mimeType "${mimeType}" is deprecated in the affinity domain's mime types and is not accepted in new submissions`
      : `XDSDocumentEntry.mimeType "${mimeType}" is not in the affinity domain's mime types`,
  );
}

function normalizeMimeType(m: string): string {
  return (m.split(";")[0] ?? "").trim().toLowerCase();
}

/** "entryUUID (uniqueId)" when the uniqueId is known: the sender finds the object by either. */
function locationOf(entryUuid: string, uniqueId: string | undefined): string {
  return uniqueId ? `${entryUuid} (${uniqueId})` : entryUuid;
}

function key(code: string, codingScheme: string): string {
  return `${code}\u0000${codingScheme}`;
}

function indexOf(config: CodesConfig): CodeIndex {
  const cached = indexes.get(config);
  if (cached) return cached;
  const bySchemeAndCode = new Map<string, Map<string, boolean>>();
  const schemesOfCode = new Map<string, Map<string, string[]>>();
  for (const [name, scheme] of Object.entries(CODE_TYPE_SCHEME)) {
    const type = codeTypeFor(config, name, scheme);
    if (!type) continue;
    const codes = new Map<string, boolean>();
    const schemes = new Map<string, string[]>();
    for (const c of type.codes) {
      const k = key(c.code, c.codingScheme);
      // A code listed twice (the toolkit's file has such) is accepted when any of its entries is current.
      codes.set(k, (codes.get(k) ?? true) && c.deprecated);
      const list = schemes.get(c.code);
      if (!list) schemes.set(c.code, [c.codingScheme]);
      else if (!list.includes(c.codingScheme)) list.push(c.codingScheme);
    }
    bySchemeAndCode.set(scheme, codes);
    schemesOfCode.set(scheme, schemes);
  }
  const mimeTypes = new Map<string, boolean>();
  for (const m of config.mimeTypes) {
    const k = normalizeMimeType(m.code);
    mimeTypes.set(k, (mimeTypes.get(k) ?? true) && m.deprecated);
  }
  const index: CodeIndex = { bySchemeAndCode, schemesOfCode, mimeTypes };
  indexes.set(config, index);
  return index;
}

/** The CodeType of an attribute: the one declaring its classScheme, else the one with its toolkit name. */
function codeTypeFor(config: CodesConfig, name: string, scheme: string): CodeTypeConfig | undefined {
  for (const t of config.codeTypes.values()) if (t.classScheme === scheme) return t;
  const byName = config.codeTypes.get(name);
  return byName && byName.classScheme === undefined ? byName : undefined;
}

/**
 * Whether a patient ID (CX, `id^^^&OID&ISO`) belongs to one of the affinity domain's assigning authorities
 * (ITI TF-3 4.2.3.1.7: the XDS patient ID is issued by the domain's authority). True when the configuration lists
 * no AssigningAuthority, and for an open domain (undefined config).
 */
export function checkPatientAssigningAuthority(patientId: string, config: AffinityDomainCodes): boolean {
  if (isOpenDomain(config) || config.assigningAuthorities.length === 0) return true;
  const hd = patientId.split("^")[3];
  if (!hd) return false;
  const authority = universalId(hd, false);
  if (!authority) return false;
  return config.assigningAuthorities.some((a) => {
    const configured = universalId(a.id, true);
    return configured !== undefined && configured.id === authority.id && configured.type === authority.type;
  });
}

/**
 * HD universal ID and its type (`namespace&universalId&ISO`). Without "&" an HD holds only a namespace ID, except
 * in the configuration, where a bare OID is read as `&OID&ISO`.
 */
function universalId(hd: string, bareIsOid: boolean): { id: string; type: string } | undefined {
  const parts = hd.trim().split("&");
  if (parts.length === 1) return bareIsOid && parts[0] ? { id: parts[0], type: "ISO" } : undefined;
  const id = parts[1]?.trim();
  if (!id) return undefined;
  return { id, type: (parts[2] ?? "").trim().toUpperCase() };
}
