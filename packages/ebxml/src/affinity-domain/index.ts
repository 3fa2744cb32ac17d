export {
  CODE_TYPE_SCHEME,
  CodesConfigError,
  MIME_TYPE_CODE_TYPE,
  parseCodesXml,
  serializeCodesXml,
  type AssigningAuthorityConfig,
  type CodesConfig,
  type CodeTypeConfig,
  type CodeTypeName,
  type ConfiguredCode,
  type MimeTypeConfig,
} from "./codes-config.js";
export {
  checkAffinityDomainCodes,
  checkPatientAssigningAuthority,
  isOpenDomain,
  type AffinityDomainCodes,
} from "./check-codes.js";
