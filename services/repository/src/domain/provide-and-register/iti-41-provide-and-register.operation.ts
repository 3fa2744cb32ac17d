import type { AuditOutcome } from "@opendsp/atna";
import { ACTION, ERROR_SEVERITY, writeRegistryResponse, type RegistryResponse } from "@opendsp/ebxml";
import { appendAuditRecord, soapAuditContext, type Logger } from "@opendsp/platform";
import { SoapError, type SoapOperation } from "@opendsp/soap";
import { outcomeOfStatus, repositoryAuditRecord } from "../../audit/repository-audit-record.js";
import type { RepositoryDeps } from "../../repository-deps.js";
import { REPOSITORY_SOAP_PATH } from "../../repository-soap-path.js";
import { newSubject, provideAndRegister } from "./iti-41-provide-and-register.js";

/**
 * The ITI-41 SOAP operation of the repository endpoint. The answer is an rs:RegistryResponse with the ITI-41
 * response action; the endpoint sends it as MTOM when the request was MTOM and as simple SOAP otherwise
 * ("MTOM in, MTOM out", ITI TF-2x Appendix V). Every outcome is audited (ITI TF-2b 3.41.5.1.2) once it is known:
 * the registry already holds an accepted submission, so a record that cannot be written is logged, not answered.
 */
export function createProvideAndRegisterOperation(deps: RepositoryDeps, log: Logger): SoapOperation {
  const iti41 = log.child({ transaction: "ITI-41" });
  return {
    responseAction: ACTION.iti41.response,
    async handle(request) {
      const context = soapAuditContext(request, REPOSITORY_SOAP_PATH, iti41, "REPO_AUDIT_HEADER_INVALID");
      const subject = newSubject();
      const audit = async (outcome: AuditOutcome, failureCodes: readonly string[]): Promise<void> => {
        const record = repositoryAuditRecord(deps.config, context, {
          transaction: "ITI-41",
          outcome,
          patientIds: [subject.patientId],
          documents: subject.documentUniqueIds.map((uniqueId) => ({ uniqueId })),
          submissionSetUniqueId: subject.submissionSetUniqueId,
          failureCodes,
        });
        try {
          await appendAuditRecord(deps.db, record);
          deps.auditWritten();
        } catch (err) {
          iti41.error({ err, eventId: record.eventId }, "ITI-41: the audit record could not be written");
        }
      };
      let response: RegistryResponse;
      try {
        response = await provideAndRegister(deps, iti41, request, subject);
      } catch (err) {
        // A broken MTOM package is answered with a SOAP Fault; it is audited as a failure all the same.
        await audit("serious-failure", [err instanceof SoapError ? err.code : "REPO_ITI41_FAILED"]);
        throw err;
      }
      await audit(outcomeOfStatus(response.status), response.errors.filter((e) => e.severity === ERROR_SEVERITY.error).map((e) => e.errorCode));
      return { body: writeRegistryResponse(response) };
    },
  };
}
