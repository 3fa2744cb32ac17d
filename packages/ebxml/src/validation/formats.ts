/**
 * Value formats of the XDS metadata attributes (ITI TF-3 4.2.3.1.7, Table 4.2.3.1.7-2 "Data types").
 * Pure predicates over the strings as received: no trimming, no normalisation.
 */

const OID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const OID_MAX = 64;

/**
 * An OID as XDS uses it for uniqueIds, sourceId, repositoryUniqueId and assigning authorities (ITI TF-3 4.2.3.1.6
 * "OID format"): digits and dots, no empty arc, no leading zero in an arc except the arc "0", at most 64 characters.
 * The ISO root-arc rules (X.660: root 0-2) are not enforced: identifiers such as NIST's `1.42.…` are in wide use.
 */
export function isOid(value: string): boolean {
  return value.length > 0 && value.length <= OID_MAX && OID.test(value);
}

const UNIQUE_ID_MAX = 128;
const UNIQUE_ID_EXTENSION_MAX = 16;

/**
 * DocumentEntry.uniqueId (ITI TF-3 4.2.3.2.26): at most 128 characters; an OID (at most 64 characters), optionally
 * followed by "^" and an extension of at most 16 characters (the CDA id root^extension). Without an extension no "^".
 */
export function isDocumentUniqueId(value: string): boolean {
  if (value.length === 0 || value.length > UNIQUE_ID_MAX) return false;
  const caret = value.indexOf("^");
  if (caret < 0) return isOid(value);
  const extension = value.slice(caret + 1);
  return (
    isOid(value.slice(0, caret)) &&
    extension.length > 0 &&
    extension.length <= UNIQUE_ID_EXTENSION_MAX &&
    !extension.includes("^")
  );
}

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?$/;

/**
 * DTM (ITI TF-3 Table 4.2.3.1.7-2): YYYY[MM[DD[hh[mm[ss]]]]] in UTC, no time zone, no fractions; each present
 * component within its range (month 01-12, day within the month, hour 00-23, minute and second 00-59).
 */
export function isDtm(value: string): boolean {
  const m = DTM.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m;
  // The optional groups are nested by the grammar: a later one is present only if every earlier one is.
  if (mo === undefined) return true;
  const year = Number(y);
  const month = Number(mo);
  if (month < 1 || month > 12) return false;
  if (d === undefined) return true;
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return false;
  if (h !== undefined && Number(h) > 23) return false;
  if (mi !== undefined && Number(mi) > 59) return false;
  if (s !== undefined && Number(s) > 59) return false;
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** DocumentEntry.hash (ITI TF-3 4.2.3.2.10): SHA-1 of the document, 40 hexadecimal characters, either case. */
export function isSha1Hex(value: string): boolean {
  return /^[0-9a-fA-F]{40}$/.test(value);
}

/** DocumentEntry.size (ITI TF-3 4.2.3.2.24): the size in bytes, a non-negative integer in decimal. */
export function isSize(value: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(value);
}

/**
 * Patient id as XDS constrains HL7 CX (ITI TF-3 Table 4.2.3.1.7-2, CX): `id^^^&OID&ISO`. The id (CX.1) is
 * present, CX.2 and CX.3 are empty, CX.4 carries only the universal id (an OID) and its type "ISO"; no other
 * component or subcomponent is allowed.
 */
export function isCxPatientId(value: string): boolean {
  const components = value.split("^");
  if (components.length !== 4) return false;
  const [id, c2, c3, authority] = components as [string, string, string, string];
  if (id.length === 0 || id.includes("&") || c2 !== "" || c3 !== "") return false;
  const sub = authority.split("&");
  if (sub.length !== 3) return false;
  const [namespaceId, universalId, type] = sub as [string, string, string];
  return namespaceId === "" && isOid(universalId) && type === "ISO";
}

/**
 * Loose HL7 XCN check for authorPerson and legalAuthenticator (ITI TF-3 Table 4.2.3.1.7-2, XCN): a family name
 * (XCN.2), or else an identifier (XCN.1) qualified by its assigning authority (XCN.9) as `&OID&ISO`.
 * Callers report a failure as a warning only.
 */
export function isXcn(value: string): boolean {
  const c = value.split("^");
  const family = (c[1] ?? "").split("&")[0] ?? "";
  if (family.length > 0) return true;
  return (c[0] ?? "").length > 0 && hasIsoAuthority(c[8]);
}

/**
 * Loose HL7 XON check for authorInstitution (ITI TF-3 Table 4.2.3.1.7-2, XON): the organization name (XON.1) is
 * present; when the identifier (XON.10) is given, the assigning authority (XON.6) is `&OID&ISO` unless the
 * identifier is itself an OID. Callers report a failure as a warning only.
 */
export function isXon(value: string): boolean {
  const c = value.split("^");
  const name = c[0] ?? "";
  if (name.length === 0) return false;
  const orgId = c[9];
  if (orgId === undefined || orgId === "") return true;
  return isOid(orgId) || hasIsoAuthority(c[5]);
}

function hasIsoAuthority(hd: string | undefined): boolean {
  if (hd === undefined) return false;
  const sub = hd.split("&");
  return sub.length === 3 && isOid(sub[1] ?? "") && sub[2] === "ISO";
}

const UUID_URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A UUID in URN form (RFC 4122 §3): `urn:uuid:` and the 8-4-4-4-12 hexadecimal text (ITI TF-3 4.2.3.1.6 entryUUID). */
export function isUuidUrn(value: string): boolean {
  return UUID_URN.test(value);
}

/** MIME type (RFC 2045 §5.1 tokens, ITI TF-3 4.2.3.2.15): `type/subtype`, optionally with parameters. */
export function isMimeType(value: string): boolean {
  const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  return new RegExp(`^${token}/${token}(\\s*;\\s*${token}=("[^"]*"|${token}))*$`).test(value);
}

/** languageCode (ITI TF-3 4.2.3.2.13, RFC 5646): subtags of letters and digits separated by hyphens, starting with letters. */
export function isLanguageCode(value: string): boolean {
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(value);
}

/** homeCommunityId (ITI TF-3 4.2.3.2.11): an OID in URN form, `urn:oid:` followed by the OID. */
export function isHomeCommunityId(value: string): boolean {
  return value.startsWith("urn:oid:") && isOid(value.slice("urn:oid:".length));
}
