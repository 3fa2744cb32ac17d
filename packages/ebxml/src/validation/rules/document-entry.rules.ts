import type { DocumentEntry } from "../../metadata/document-entry.js";
import { DOCUMENT_ENTRY_TYPE } from "../../vocabulary.js";
import { isCxPatientId, isDocumentUniqueId, isDtm, isLanguageCode, isMimeType, isOid, isSha1Hex, isSize, isXcn } from "../formats.js";
import {
  checkAuthors,
  checkCode,
  checkExtraSlots,
  checkFormat,
  checkHomeCommunityId,
  checkSubmittedStatus,
  requireValue,
} from "./attribute-checks.js";
import type { Problems } from "../../problems.js";
import { locationOf, type SubmissionModel } from "./submission-model.js";

const DE = "XDSDocumentEntry";
const DTM_RULE = "expected a DTM YYYY[MM[DD[hh[mm[ss]]]]] with valid ranges (ITI TF-3 Table 4.2.3.1.7-2)";
const CX_RULE = "expected the CX form id^^^&OID&ISO (ITI TF-3 Table 4.2.3.1.7-2)";

/** DocumentEntry rules (ITI TF-3 4.2.3.2 attributes, Table 4.3.1-3 optionality for XDS DS / XDS DR). */
export function checkDocumentEntries(model: SubmissionModel, f: Problems): void {
  const objectTypes = new Map(model.documentEntries.map((w) => [w.object.id, w.object.objectType]));
  for (const de of model.metadata.documentEntries) checkDocumentEntry(model, de, objectTypes.get(de.entryUuid), f);
}

function checkDocumentEntry(model: SubmissionModel, de: DocumentEntry, objectType: string | undefined, f: Problems): void {
  const at = locationOf(model, de.entryUuid);
  const required = `required in ${model.transaction} (ITI TF-3 Table 4.3.1-3)`;

  // XDS registries accept only complete metadata: limitedMetadata is XDR/XDM only (ITI TF-3 4.2.3.2.29, 4.1.1).
  if (de.limitedMetadata) f.error(at, `${DE} is flagged limitedMetadata: an XDS registry accepts only complete metadata (ITI TF-3 4.1.1)`);

  // objectType (ITI TF-3 4.2.3.2.30): stable; on-demand entries are registered with ITI-61, not ITI-41/ITI-42.
  if (objectType === undefined || objectType === "") f.error(at, `${DE}.objectType is missing: ${required}`);
  else if (objectType === DOCUMENT_ENTRY_TYPE.onDemand) {
    f.error(at, `${DE}.objectType is On-Demand: ${model.transaction} registers stable entries only, On-Demand ones use ITI-61 (ITI TF-3 4.2.3.2.30)`);
  } else if (objectType !== DOCUMENT_ENTRY_TYPE.stable) {
    f.error(at, `${DE}.objectType '${objectType}' is neither the stable (${DOCUMENT_ENTRY_TYPE.stable}) nor the On-Demand DocumentEntry type (ITI TF-3 4.2.3.2.30)`);
  }

  requireValue(f, at, `${DE}.patientId`, de.patientId, required);
  requireValue(f, at, `${DE}.uniqueId`, de.uniqueId, required);
  requireValue(f, at, `${DE}.creationTime`, de.creationTime, required);
  requireValue(f, at, `${DE}.languageCode`, de.languageCode, required);
  requireValue(f, at, `${DE}.mimeType`, de.mimeType, required);
  requireValue(f, at, `${DE}.sourcePatientId`, de.sourcePatientId, required);
  if (model.transaction === "ITI-42") {
    // The Document Repository computes hash and size and adds its repositoryUniqueId before registering (ITI TF-2b 3.41.4.1.3).
    requireValue(f, at, `${DE}.hash`, de.hash, required);
    requireValue(f, at, `${DE}.size`, de.size, required);
    requireValue(f, at, `${DE}.repositoryUniqueId`, de.repositoryUniqueId, required);
  }
  const codes = [
    ["classCode", de.classCode],
    ["formatCode", de.formatCode],
    ["healthcareFacilityTypeCode", de.healthcareFacilityTypeCode],
    ["practiceSettingCode", de.practiceSettingCode],
    ["typeCode", de.typeCode],
  ] as const;
  for (const [name, code] of codes) {
    if (!code) f.error(at, `${DE}.${name} is missing: ${required}`);
    else checkCode(f, at, `${DE}.${name}`, code);
  }
  if (de.confidentialityCodes.length === 0) f.error(at, `${DE}.confidentialityCode is missing: at least one is ${required}`);
  for (const c of de.confidentialityCodes) checkCode(f, at, `${DE}.confidentialityCode`, c);
  for (const c of de.eventCodes) checkCode(f, at, `${DE}.eventCodeList`, c);

  checkFormat(f, at, `${DE}.patientId`, de.patientId, isCxPatientId, CX_RULE);
  checkFormat(f, at, `${DE}.sourcePatientId`, de.sourcePatientId, isCxPatientId, CX_RULE);
  checkFormat(f, at, `${DE}.uniqueId`, de.uniqueId, isDocumentUniqueId, "expected an OID of at most 64 characters, optionally ^extension of at most 16 (ITI TF-3 4.2.3.2.26)");
  checkFormat(f, at, `${DE}.creationTime`, de.creationTime, isDtm, DTM_RULE);
  checkFormat(f, at, `${DE}.serviceStartTime`, de.serviceStartTime, isDtm, DTM_RULE);
  checkFormat(f, at, `${DE}.serviceStopTime`, de.serviceStopTime, isDtm, DTM_RULE);
  checkFormat(f, at, `${DE}.hash`, de.hash, isSha1Hex, "expected the SHA-1 as 40 hexadecimal characters (ITI TF-3 4.2.3.2.10)");
  checkFormat(f, at, `${DE}.size`, de.size, isSize, "expected a non-negative integer (ITI TF-3 4.2.3.2.24)");
  checkFormat(f, at, `${DE}.repositoryUniqueId`, de.repositoryUniqueId, isOid, "expected an OID (ITI TF-3 4.2.3.2.18)");
  checkFormat(f, at, `${DE}.languageCode`, de.languageCode, isLanguageCode, "expected an RFC 5646 language tag (ITI TF-3 4.2.3.2.13)");
  checkFormat(f, at, `${DE}.mimeType`, de.mimeType, isMimeType, "expected a MIME type type/subtype (ITI TF-3 4.2.3.2.15)");
  checkHomeCommunityId(f, at, DE, de.homeCommunityId);
  if (de.legalAuthenticator !== undefined && !isXcn(de.legalAuthenticator)) {
    f.warning(at, `${DE}.legalAuthenticator '${de.legalAuthenticator}' is not an XCN with a family name or an identifier with an ISO assigning authority (ITI TF-3 4.2.3.2.14)`);
  }
  checkAuthors(f, at, `${DE}.author`, de.authors);
  checkExtraSlots(f, at, DE, de.extraSlots);
  checkSubmittedStatus(f, at, `${DE}.availabilityStatus`, de.availabilityStatus);
}
