import type { Author } from "../../metadata/author.js";
import type { Code } from "../../metadata/code.js";
import type { Slot } from "../../rim/rim-types.js";
import { OBJECT_STATUS } from "../../vocabulary.js";
import { isHomeCommunityId, isXcn, isXon } from "../formats.js";
import type { Problems } from "../../problems.js";

/** Checks shared by the DocumentEntry, SubmissionSet and Folder rules. */

/** A value counts as given when it has something besides blanks. */
export function isGiven(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** Reports a required attribute (ITI TF-3 Table 4.3.1-3, "R") that is absent or blank. */
export function requireValue(f: Problems, location: string, attribute: string, value: string | undefined, why: string): void {
  if (!isGiven(value)) f.error(location, `${attribute} is missing: ${why}`);
}

/** Reports a value that is given but does not have its data type's format (ITI TF-3 4.2.3.1.7). */
export function checkFormat(
  f: Problems,
  location: string,
  attribute: string,
  value: string | undefined,
  valid: (v: string) => boolean,
  rule: string,
): void {
  if (value !== undefined && !valid(value)) f.error(location, `${attribute} '${value}' is not valid: ${rule}`);
}

/** A coded value has a code (nodeRepresentation) and a codingScheme slot (ITI TF-3 4.2.3.1.2). */
export function checkCode(f: Problems, location: string, attribute: string, code: Code | undefined): void {
  if (!code) return;
  if (!isGiven(code.code)) f.error(location, `${attribute} has no code (empty nodeRepresentation, ITI TF-3 4.2.3.1.2)`);
  if (!isGiven(code.codingScheme)) {
    f.error(location, `${attribute} '${code.code}' has no codingScheme slot value (ITI TF-3 4.2.3.1.2)`);
  }
}

/** Extra metadata slots must be named by a URN (ITI TF-3 4.2.3.1.5); other names are not XDS attributes. */
export function checkExtraSlots(f: Problems, location: string, objectType: string, slots: readonly Slot[]): void {
  for (const s of slots) {
    if (!s.name.startsWith("urn:")) {
      f.error(location, `${objectType} slot '${s.name}' is no ${objectType} attribute and, as extra metadata, its name must be a URN (ITI TF-3 4.2.3.1.5)`);
    }
  }
}

/**
 * The registry sets availabilityStatus (ITI TF-3 4.2.3.2.2, 4.2.3.3.2, 4.2.3.4.2): a submitted object carries none or Approved.
 * Anything else is ignored by the registry and reported as a warning.
 */
export function checkSubmittedStatus(f: Problems, location: string, attribute: string, status: string | undefined): void {
  if (status !== undefined && status !== OBJECT_STATUS.approved) {
    f.warning(location, `${attribute} '${status}' is ignored: the registry sets the status of submitted objects to Approved (ITI TF-3 4.2.3.2.2, 4.2.3.3.2, 4.2.3.4.2)`);
  }
}

/** homeCommunityId travels in the home attribute as `urn:oid:` + OID (ITI TF-3 4.2.3.2.11). */
export function checkHomeCommunityId(f: Problems, location: string, objectType: string, home: string | undefined): void {
  // An empty home attribute (sent by some peers) carries no value.
  if (!isGiven(home)) return;
  checkFormat(f, location, `${objectType}.homeCommunityId`, home, isHomeCommunityId, "expected urn:oid: followed by an OID (ITI TF-3 4.2.3.2.11)");
}

/** Author sub-attributes (ITI TF-3 4.2.3.1.4): authorPerson XCN, authorInstitution XON; loose, so warnings only. */
export function checkAuthors(f: Problems, location: string, attribute: string, authors: readonly Author[]): void {
  for (const a of authors) {
    if (a.person !== undefined && !isXcn(a.person)) {
      f.warning(location, `${attribute}.authorPerson '${a.person}' is not an XCN with a family name or an identifier with an ISO assigning authority (ITI TF-3 Table 4.2.3.1.7-2)`);
    }
    for (const inst of a.institutions) {
      if (!isXon(inst)) {
        f.warning(location, `${attribute}.authorInstitution '${inst}' is not an XON with an organization name (ITI TF-3 Table 4.2.3.1.7-2)`);
      }
    }
  }
}
