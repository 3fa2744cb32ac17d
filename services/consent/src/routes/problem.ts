import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import Type from "typebox";
import { ConsentError, type ConsentErrorCode } from "../domain/consent-error.js";

/** RFC 9457 problem details, with the stable code of the consent service as an extension member. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String({ description: "Stable code of the problem, e.g. CONSENT_FORBIDDEN" }),
});

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

type ProblemCode = ConsentErrorCode | "CONSENT_INTERNAL";

const PROBLEMS: Readonly<Record<ProblemCode, { status: number; title: string }>> = {
  CONSENT_ACTOR_MISSING: { status: 401, title: "No acting party" },
  CONSENT_ACTOR_INVALID: { status: 401, title: "Invalid acting party" },
  CONSENT_FORBIDDEN: { status: 403, title: "Not allowed for this actor" },
  CONSENT_INVALID_REQUEST: { status: 400, title: "Invalid request" },
  CONSENT_INVALID_PATIENT_ID: { status: 400, title: "Not a patient id" },
  CONSENT_NOT_FOUND: { status: 404, title: "Not found" },
  CONSENT_RECORD_CLOSED: { status: 409, title: "The record is closed" },
  CONSENT_RECORD_STATE_CONFLICT: { status: 409, title: "The record is not in a state that allows this" },
  CONSENT_BAD_PRESENCE_CODE: { status: 403, title: "Wrong presence code" },
  CONSENT_LOCKED_OUT: { status: 429, title: "Too many wrong presence codes" },
  CONSENT_INTERNAL: { status: 500, title: "Internal error" },
};

/** The problem responses a route may give, for its schema (and the OpenAPI document). */
export function problemResponses(...codes: ProblemCode[]): Record<number, typeof Problem> {
  const statuses = new Set([400, 500, ...codes.map((c) => PROBLEMS[c].status)]);
  return Object.fromEntries([...statuses].map((s) => [s, Problem]));
}

export function sendProblem(reply: FastifyReply, code: ProblemCode, detail: string): FastifyReply {
  const { status, title } = PROBLEMS[code];
  const type = `urn:opendsp:problem:${code.toLowerCase().replace(/_/g, "-")}`;
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send({ type, title, status, detail, code });
}

/**
 * The error handler of the consent API's scope: domain refusals become their problem, schema violations
 * CONSENT_INVALID_REQUEST (or CONSENT_INVALID_PATIENT_ID for the path's patient id), anything else
 * CONSENT_INTERNAL, logged by name only since database messages can quote patient identifiers.
 */
export function installProblemHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | ConsentError, request, reply) => {
    if (error instanceof ConsentError) {
      // RFC 6585 section 4: a 429 may say how long to wait.
      if (error.retryAfterSeconds !== undefined) void reply.header("retry-after", String(error.retryAfterSeconds));
      return sendProblem(reply, error.code, error.message);
    }
    if (error.validation) {
      if (error.validationContext === "params" && error.validation.some((v) => v.instancePath === "/patientId")) {
        return sendProblem(reply, "CONSENT_INVALID_PATIENT_ID", "patientId is not a CX patient id (id^^^&OID&ISO)");
      }
      return sendProblem(reply, "CONSENT_INVALID_REQUEST", `The request does not match the schema: ${error.message}`);
    }
    if (error.statusCode !== undefined && error.statusCode < 500) return sendProblem(reply, "CONSENT_INVALID_REQUEST", error.message);
    request.log.error({ errorName: error.name, errorCode: "code" in error ? error.code : undefined }, "consent API failed");
    return sendProblem(reply, "CONSENT_INTERNAL", "The consent service could not process the request; nothing was changed");
  });
}
