import { isCxPatientId, isDtm, isOid } from "../formats.js";
import { checkCode, checkExtraSlots, checkFormat, checkHomeCommunityId, checkSubmittedStatus, isGiven, requireValue } from "./attribute-checks.js";
import type { Problems } from "../../problems.js";
import { locationOf, type SubmissionModel } from "./submission-model.js";

const FD = "XDSFolder";

/** Folder rules (ITI TF-3 4.2.3.4 attributes, Table 4.3.1-3 optionality). */
export function checkFolders(model: SubmissionModel, f: Problems): void {
  const required = `required in ${model.transaction} (ITI TF-3 Table 4.3.1-3)`;
  for (const fd of model.metadata.folders) {
    const at = locationOf(model, fd.entryUuid);
    if (fd.limitedMetadata) f.error(at, `${FD} is flagged limitedMetadata: an XDS registry accepts only complete metadata (ITI TF-3 4.1.1)`);
    requireValue(f, at, `${FD}.patientId`, fd.patientId, required);
    requireValue(f, at, `${FD}.uniqueId`, fd.uniqueId, required);
    if (!isGiven(fd.title?.value)) f.error(at, `${FD}.title is missing (rim:Name): ${required}`);
    if (fd.codeList.length === 0) f.error(at, `${FD}.codeList is missing: at least one code is ${required}`);
    for (const c of fd.codeList) checkCode(f, at, `${FD}.codeList`, c);
    checkFormat(f, at, `${FD}.patientId`, fd.patientId, isCxPatientId, "expected the CX form id^^^&OID&ISO (ITI TF-3 Table 4.2.3.1.7-2)");
    checkFormat(f, at, `${FD}.uniqueId`, fd.uniqueId, isOid, "expected an OID of at most 64 characters (ITI TF-3 4.2.3.4.10)");
    checkFormat(f, at, `${FD}.lastUpdateTime`, fd.lastUpdateTime, isDtm, "expected a DTM YYYY[MM[DD[hh[mm[ss]]]]] with valid ranges (ITI TF-3 Table 4.2.3.1.7-2)");
    checkHomeCommunityId(f, at, FD, fd.homeCommunityId);
    checkExtraSlots(f, at, FD, fd.extraSlots);
    checkSubmittedStatus(f, at, `${FD}.availabilityStatus`, fd.availabilityStatus);
  }
}
