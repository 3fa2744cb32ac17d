import { DOCUMENT_ENTRY_TYPE } from "@opendsp/ebxml";
import type { DocumentEntryFilter, TimeRange } from "../../storage/query/query-filter.types.js";
import { P } from "./query-parameter.names.js";
import type { QueryParams } from "./query-parameters.js";

/** The DocumentEntry filter of FindDocuments and FindDocumentsByReferenceId (ITI TF-2a 3.18.4.1.2.3.7.1). */
export function documentEntryFilterOf(params: QueryParams): DocumentEntryFilter {
  return {
    patientId: params.text(P.dePatientId),
    statuses: params.list(P.deStatus),
    objectTypes: documentTypesOf(params),
    classCodes: params.codes(P.deClassCode),
    typeCodes: params.codes(P.deTypeCode),
    practiceSettingCodes: params.codes(P.dePracticeSettingCode),
    healthcareFacilityTypeCodes: params.codes(P.deHealthcareFacilityTypeCode),
    formatCodes: params.codes(P.deFormatCode),
    eventCodes: params.codeGroups(P.deEventCodeList),
    confidentialityCodes: params.codeGroups(P.deConfidentialityCode),
    creationTime: timeRange(params, P.deCreationTimeFrom, P.deCreationTimeTo),
    serviceStartTime: timeRange(params, P.deServiceStartTimeFrom, P.deServiceStartTimeTo),
    serviceStopTime: timeRange(params, P.deServiceStopTimeFrom, P.deServiceStopTimeTo),
    authorPersons: params.list(P.deAuthorPerson),
  };
}

/** $XDSDocumentEntryType; absent means stable entries only (ITI TF-2a 3.18.4.1.2.3.6.2). */
export function documentTypesOf(params: QueryParams): string[] {
  return params.list(P.deType) ?? [DOCUMENT_ENTRY_TYPE.stable];
}

export function timeRange(params: QueryParams, from: string, to: string): TimeRange | undefined {
  const range = { from: params.time(from), to: params.time(to) };
  return range.from === undefined && range.to === undefined ? undefined : range;
}
