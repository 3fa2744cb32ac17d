import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import Type from "typebox";
import { AuditError, type AuditErrorCode } from "../domain/audit-error.js";
import { IntakeInvalidError } from "../domain/audit-intake.service.js";

/** RFC 9457 problem details, with the stable code of the audit service as an extension member. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String({ description: "Stable code of the problem, e.g. AUDIT_FORBIDDEN" }),
  message: Type.Optional(Type.String({ description: "The detail again, as AuditIntakeRefusal names it" })),
  invalid: Type.Optional(Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() }), { description: "AUDIT_INTAKE_INVALID: the refused records" })),
});

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export type ProblemCode = AuditErrorCode | "AUDIT_INTERNAL";

export const PROBLEMS: Readonly<Record<ProblemCode, { status: number; title: string }>> = {
  AUDIT_ACTOR_MISSING: { status: 401, title: "No acting party" },
  AUDIT_ACTOR_INVALID: { status: 401, title: "Invalid acting party" },
  AUDIT_FORBIDDEN: { status: 403, title: "Not allowed for this actor" },
  AUDIT_INVALID_REQUEST: { status: 400, title: "Invalid request" },
  AUDIT_INVALID_CURSOR: { status: 400, title: "Invalid cursor" },
  AUDIT_INTAKE_INVALID: { status: 400, title: "Invalid audit records" },
  AUDIT_RECORD_NOT_STORABLE: { status: 400, title: "Audit record not storable" },
  AUDIT_INTAKE_TOO_LARGE: { status: 413, title: "Intake request too large" },
  AUDIT_STORE_UNAVAILABLE: { status: 503, title: "Audit store unavailable" },
  AUDIT_INTERNAL: { status: 500, title: "Internal error" },
};

/** The problem responses a route may give, for its schema (and the OpenAPI document). */
export function problemResponses(...codes: ProblemCode[]): Record<number, typeof Problem> {
  const statuses = new Set([400, 500, ...codes.map((c) => PROBLEMS[c].status)]);
  return Object.fromEntries([...statuses].map((s) => [s, Problem]));
}

export function sendProblem(reply: FastifyReply, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  const { status, title } = PROBLEMS[code];
  const type = `urn:opendsp:problem:${code.toLowerCase().replace(/_/g, "-")}`;
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send({ type, title, status, detail, code, ...extra });
}

/** The stable code and message of any error a route of the audit service ends with. */
export function problemOf(error: FastifyError | AuditError): { code: ProblemCode; detail: string } {
  if (error instanceof AuditError) return { code: error.code, detail: error.message };
  if (error.validation) return { code: "AUDIT_INVALID_REQUEST", detail: `The request does not match the schema: ${error.message}` };
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { code: "AUDIT_INTAKE_TOO_LARGE", detail: error.message };
  if (error.statusCode !== undefined && error.statusCode < 500) return { code: "AUDIT_INVALID_REQUEST", detail: error.message };
  return { code: "AUDIT_INTERNAL", detail: "The audit service could not process the request" };
}

/**
 * The error handler of the JSON API's scope: refusals become their problem; anything else AUDIT_INTERNAL, logged by
 * name and code only since database messages can quote patient identifiers.
 */
export function installProblemHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | AuditError, request, reply) => {
    const { code, detail } = problemOf(error);
    if (code === "AUDIT_INTERNAL" || code === "AUDIT_STORE_UNAVAILABLE") {
      request.log.error({ errorName: error.name, errorCode: error.code }, "audit API failed");
    }
    if (error instanceof IntakeInvalidError) return sendProblem(reply, code, detail, { message: detail, invalid: error.invalid });
    if (code === "AUDIT_STORE_UNAVAILABLE" || code === "AUDIT_INTAKE_TOO_LARGE") return sendProblem(reply, code, detail, { message: detail });
    return sendProblem(reply, code, detail);
  });
}
