import type { Slot } from "../../rim/rim-types.js";
import { CLASSIFICATION_SCHEME as CS, IDENTIFICATION_SCHEME_NAME, SLOT } from "../../vocabulary.js";
import { isUuidUrn } from "../formats.js";
import type { Problems } from "../../problems.js";
import { locationOf, type SubmissionModel, type WireObject } from "./submission-model.js";

/**
 * Cardinality on the wire objects (the views keep only the first value of a single-valued attribute):
 * single-valued slots (ITI TF-3 4.2.3.2, 4.2.3.3, 4.2.3.4: "shall have a single value"), one Slot per name on an
 * object (ebRIM 3.0 §2.8.1.1: a Slot name is unique within its object), one ExternalIdentifier per scheme, and at
 * most one Classification of each single-valued coded attribute.
 */
const SINGLE_VALUED_SLOTS: ReadonlySet<string> = new Set([
  SLOT.creationTime,
  SLOT.serviceStartTime,
  SLOT.serviceStopTime,
  SLOT.hash,
  SLOT.size,
  SLOT.repositoryUniqueId,
  SLOT.languageCode,
  SLOT.legalAuthenticator,
  SLOT.sourcePatientId,
  SLOT.uri,
  SLOT.documentAvailability,
  SLOT.submissionTime,
  SLOT.lastUpdateTime,
  SLOT.authorPerson,
  SLOT.codingScheme,
  SLOT.submissionSetStatus,
]);

const SINGLE_CODES: Readonly<Record<string, string>> = {
  [CS.documentEntryClassCode]: "XDSDocumentEntry.classCode",
  [CS.documentEntryFormatCode]: "XDSDocumentEntry.formatCode",
  [CS.documentEntryTypeCode]: "XDSDocumentEntry.typeCode",
  [CS.documentEntryPracticeSettingCode]: "XDSDocumentEntry.practiceSettingCode",
  [CS.documentEntryHealthcareFacilityTypeCode]: "XDSDocumentEntry.healthcareFacilityTypeCode",
  [CS.submissionSetContentTypeCode]: "XDSSubmissionSet.contentTypeCode",
};

export function checkCardinality(model: SubmissionModel, f: Problems): void {
  for (const w of [...model.documentEntries, ...model.submissionSets, ...model.folders]) checkWireObject(model, w, f);
  for (const a of model.associations) checkSlots(a.id, "Association", a.slots, f);
}

function checkWireObject(model: SubmissionModel, w: WireObject, f: Problems): void {
  const at = locationOf(model, w.object.id);
  checkSlots(at, w.object.id, w.object.slots, f);

  const schemes = new Map<string, number>();
  for (const c of w.classifications) {
    checkSlots(at, `Classification ${c.id}`, c.slots, f);
    checkSchemeUrn(at, `Classification ${c.id} classificationScheme`, c.classificationScheme, f);
    checkSchemeUrn(at, `Classification ${c.id} classificationNode`, c.classificationNode, f);
    if (c.classificationScheme !== undefined) schemes.set(c.classificationScheme, (schemes.get(c.classificationScheme) ?? 0) + 1);
  }
  for (const [scheme, count] of schemes) {
    const name = SINGLE_CODES[scheme];
    if (name !== undefined && count > 1) f.error(at, `${name} is single-valued but ${count} Classifications carry it (ITI TF-3 4.2.3.1.2)`);
  }

  const identifiers = new Map<string, number>();
  for (const e of w.externalIdentifiers) {
    checkSchemeUrn(at, `ExternalIdentifier ${e.id} identificationScheme`, e.identificationScheme, f);
    identifiers.set(e.identificationScheme, (identifiers.get(e.identificationScheme) ?? 0) + 1);
  }
  for (const [scheme, count] of identifiers) {
    if (count > 1) {
      const name = IDENTIFICATION_SCHEME_NAME[scheme] ?? `ExternalIdentifier scheme ${scheme}`;
      f.error(at, `${name} is single-valued but ${count} ExternalIdentifiers carry it (ITI TF-3 4.2.3.1.3)`);
    }
  }
}

function checkSlots(at: string, owner: string, slots: readonly Slot[], f: Problems): void {
  const seen = new Set<string>();
  for (const s of slots) {
    if (seen.has(s.name)) f.error(at, `slot '${s.name}' appears more than once on ${owner} (ebRIM 3.0 §2.8.1.1: slot names are unique per object)`);
    seen.add(s.name);
    if (SINGLE_VALUED_SLOTS.has(s.name) && s.values.length > 1) {
      f.error(at, `slot '${s.name}' on ${owner} is single-valued but has ${s.values.length} values (ITI TF-3 4.2.3)`);
    }
  }
}

/** Classification schemes, nodes and identification schemes are UUID URNs (ITI TF-3 4.2.5). */
function checkSchemeUrn(at: string, what: string, value: string | undefined, f: Problems): void {
  if (value !== undefined && !isUuidUrn(value)) f.error(at, `${what} '${value}' is not a UUID URN (ITI TF-3 4.2.5)`);
}
