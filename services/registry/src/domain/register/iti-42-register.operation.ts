import { ACTION, parseSubmitObjectsRequest, writeRegistryResponse } from "@opendsp/ebxml";
import { soapAuditContext, type Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import { REGISTRY_SOAP_PATH } from "../../registry-soap-path.js";
import { registryAuditor } from "../../audit/registry-audit-record.js";
import type { RegistryDeps } from "../../registry-deps.js";
import { refuseRegistration, registerSubmission } from "./register-submission.js";

/** ITI-42 over SOAP: the body is an lcm:SubmitObjectsRequest, the answer an rs:RegistryResponse. */
export function createRegisterOperation(deps: RegistryDeps, log: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti42.response,
    async handle(request) {
      const parsed = parseSubmitObjectsRequest(request.envelope.body);
      const auditor = registryAuditor(deps.config, soapAuditContext(request, REGISTRY_SOAP_PATH, log, "REG_AUDIT_HEADER_INVALID"));
      const response = parsed.ok
        ? await registerSubmission(deps, parsed.value, auditor, log)
        : await refuseRegistration(deps, parsed.errors, undefined, auditor, log);
      deps.auditWritten();
      return { body: writeRegistryResponse(response) };
    },
  };
}
