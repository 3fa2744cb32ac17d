import { CLASSIFICATION_NODE } from "../../vocabulary.js";
import { isCxPatientId, isDtm, isOid } from "../formats.js";
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

const SS = "XDSSubmissionSet";

/** SubmissionSet rules (ITI TF-3 4.2.3.3 attributes, 4.1.4 one SubmissionSet per submission, Table 4.3.1-3). */
export function checkSubmissionSets(model: SubmissionModel, f: Problems): void {
  const sets = model.metadata.submissionSets;
  if (sets.length !== 1) {
    const where = sets.map((s) => locationOf(model, s.entryUuid)).join(", ");
    f.error(
      where || "SubmitObjectsRequest",
      `a submission carries exactly one ${SS} (a RegistryPackage classified ${CLASSIFICATION_NODE.submissionSet}), found ${sets.length} (ITI TF-3 4.1.4)`,
    );
  }
  const required = `required in ${model.transaction} (ITI TF-3 Table 4.3.1-3)`;
  for (const ss of sets) {
    const at = locationOf(model, ss.entryUuid);
    if (ss.limitedMetadata) f.error(at, `${SS} is flagged limitedMetadata: an XDS registry accepts only complete metadata (ITI TF-3 4.1.1)`);
    requireValue(f, at, `${SS}.patientId`, ss.patientId, required);
    requireValue(f, at, `${SS}.uniqueId`, ss.uniqueId, required);
    requireValue(f, at, `${SS}.sourceId`, ss.sourceId, required);
    requireValue(f, at, `${SS}.submissionTime`, ss.submissionTime, required);
    if (!ss.contentTypeCode) f.error(at, `${SS}.contentTypeCode is missing: ${required}`);
    checkCode(f, at, `${SS}.contentTypeCode`, ss.contentTypeCode);
    checkFormat(f, at, `${SS}.patientId`, ss.patientId, isCxPatientId, "expected the CX form id^^^&OID&ISO (ITI TF-3 Table 4.2.3.1.7-2)");
    checkFormat(f, at, `${SS}.uniqueId`, ss.uniqueId, isOid, "expected an OID of at most 64 characters (ITI TF-3 4.2.3.3.12)");
    checkFormat(f, at, `${SS}.sourceId`, ss.sourceId, isOid, "expected an OID of at most 64 characters (ITI TF-3 4.2.3.3.9)");
    checkFormat(f, at, `${SS}.submissionTime`, ss.submissionTime, isDtm, "expected a DTM YYYY[MM[DD[hh[mm[ss]]]]] with valid ranges (ITI TF-3 Table 4.2.3.1.7-2)");
    checkHomeCommunityId(f, at, SS, ss.homeCommunityId);
    checkAuthors(f, at, `${SS}.author`, ss.authors);
    checkExtraSlots(f, at, SS, ss.extraSlots);
    checkSubmittedStatus(f, at, `${SS}.availabilityStatus`, ss.availabilityStatus);
  }
}
