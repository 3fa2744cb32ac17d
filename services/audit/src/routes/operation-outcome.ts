import type { FastifyError, FastifyInstance } from "fastify";
import Type from "typebox";
import type { AuditError } from "../domain/audit-error.js";
import { PROBLEMS, problemOf, type ProblemCode } from "./problem.js";

export const FHIR_CONTENT_TYPE = "application/fhir+json";

/** FHIR R4 OperationOutcome: how a FHIR server reports an error (R4 3.1.0.4, http.html#ops). */
export const OperationOutcome = Type.Object({
  resourceType: Type.Literal("OperationOutcome"),
  issue: Type.Array(Type.Object({ severity: Type.String(), code: Type.String(), details: Type.Object({ text: Type.String() }), diagnostics: Type.String() })),
});

/** The IssueType of each problem (R4 valueset-issue-type). */
const ISSUE_TYPE: Readonly<Record<ProblemCode, string>> = {
  AUDIT_ACTOR_MISSING: "login",
  AUDIT_ACTOR_INVALID: "login",
  AUDIT_FORBIDDEN: "forbidden",
  AUDIT_INVALID_REQUEST: "invalid",
  AUDIT_INVALID_CURSOR: "invalid",
  AUDIT_INTAKE_INVALID: "invalid",
  AUDIT_RECORD_NOT_STORABLE: "invalid",
  AUDIT_INTAKE_TOO_LARGE: "too-long",
  AUDIT_STORE_UNAVAILABLE: "transient",
  AUDIT_INTERNAL: "exception",
};

/** The error handler of the FHIR scope: the same stable codes, in an OperationOutcome (details.text is the code). */
export function installOperationOutcomeHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | AuditError, request, reply) => {
    const { code, detail } = problemOf(error);
    if (code === "AUDIT_INTERNAL") request.log.error({ errorName: error.name, errorCode: error.code }, "AuditEvent search failed");
    return reply
      .code(PROBLEMS[code].status)
      .type(FHIR_CONTENT_TYPE)
      .send({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: ISSUE_TYPE[code], details: { text: code }, diagnostics: detail }] });
  });
}
