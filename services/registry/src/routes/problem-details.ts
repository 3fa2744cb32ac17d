import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import Type from "typebox";

/** RFC 9457 problem details: the error body of the registry's JSON APIs. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const Problem = Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String() });

export interface ProblemType {
  readonly type: string;
  readonly title: string;
  readonly status: number;
}

export const INVALID_REQUEST: ProblemType = { type: "urn:opendsp:problem:invalid-request", title: "Invalid request", status: 400 };
export const INTERNAL_ERROR: ProblemType = { type: "urn:opendsp:problem:internal-error", title: "Internal error", status: 500 };

export function sendProblem(reply: FastifyReply, problem: ProblemType, detail: string, status: number = problem.status): FastifyReply {
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send({ type: problem.type, title: problem.title, status, detail });
}

/**
 * The error handler of a scope of JSON routes: a body that does not match its schema (or any other client error
 * Fastify raises) is `invalid-request`; anything else is logged by name and message only (never the request) and
 * answered `internal-error` with `internalDetail`.
 */
export function answerErrorsAsProblems(scope: FastifyInstance, what: string, internalDetail: string): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation || (error.statusCode !== undefined && error.statusCode < 500)) {
      return sendProblem(reply, INVALID_REQUEST, error.validation ? `The request does not match the schema: ${error.message}` : error.message, error.statusCode ?? 400);
    }
    request.log.error({ errorName: error.name, error: error.message }, `${what} failed`);
    return sendProblem(reply, INTERNAL_ERROR, internalDetail);
  });
}
