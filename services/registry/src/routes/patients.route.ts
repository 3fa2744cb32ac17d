import { auditRequestContextOf } from "@opendsp/platform";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import Type, { type Static } from "typebox";
import { isDomainPatientId } from "../patient-feed/affinity-patient-id.rules.js";
import {
  findPatientIdentity,
  mergePatients,
  recordPatientIdentity,
  type AuditContext,
  type MergeFailureReason,
} from "../patient-feed/patient-identity.service.js";
import { registryAuditor } from "../audit/registry-audit-record.js";
import type { RegistryDeps } from "../registry-deps.js";
import { answerErrorsAsProblems, Problem, sendProblem } from "./problem-details.js";

/*
 * The JSON admin API of the registry's patient identities, beside the ITI-8 feed (ITI TF-2a 3.8) for systems and
 * operators without an HL7 v2 sender: add/update, read, merge. Same rules and same transactions as the feed.
 *
 * NOT AUTHENTICATED YET: authentication and authorization of /api/ come with the gateway (the public edge); until
 * then the registry must only listen where the gateway alone can reach it (REGISTRY_HOST, default 127.0.0.1).
 *
 * Patient ids travel in URLs here, so these routes log at "warn" and above only: Fastify's per-request info lines
 * carry the URL, and patient identifiers are never logged.
 */

const PatientParams = Type.Object({ patientId: Type.String({ minLength: 1, maxLength: 256, description: "The CX patient id, URL-encoded: id^^^&OID&ISO" }) });
type PatientParams = Static<typeof PatientParams>;

const Patient = Type.Object({
  patientId: Type.String(),
  status: Type.Union([Type.Literal("active"), Type.Literal("merged")]),
  mergedInto: Type.Union([Type.String(), Type.Null()], { description: "The surviving id when status is merged" }),
});

const MergeBody = Type.Object(
  {
    survivingId: Type.String({ minLength: 1, maxLength: 256 }),
    subsumedId: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
type MergeBody = Static<typeof MergeBody>;

const MergeReply = Type.Object({
  survivingId: Type.String(),
  subsumedId: Type.String(),
  survivingCreated: Type.Boolean(),
  alreadyMerged: Type.Boolean(),
  reassigned: Type.Object({ documentEntries: Type.Integer(), submissionSets: Type.Integer(), folders: Type.Integer() }),
});

const PROBLEM_TYPE = {
  invalidPatientId: { type: "urn:opendsp:problem:invalid-patient-id", title: "Not a patient id of this affinity domain", status: 400 },
  unknownPatient: { type: "urn:opendsp:problem:unknown-patient", title: "Unknown patient", status: 404 },
  mergeConflict: { type: "urn:opendsp:problem:merge-conflict", title: "The merge cannot be applied", status: 409 },
} as const;

const problemResponses = {
  400: Problem,
  404: Problem,
  409: Problem,
  500: Problem,
};

export function registerPatientRoutes(app: FastifyInstance, deps: RegistryDeps): void {
  // An encapsulated scope, so its error handler (problem+json) applies to these routes only.
  void app.register((scope, _options, done) => {
    answerErrorsAsProblems(scope, "patient admin API", "The registry could not process the request; nothing was changed");
    // Changes write audit records: the relay is woken once the answer is sent.
    scope.addHook("onResponse", (_request, _reply, next) => {
      deps.auditWritten();
      next();
    });

    // Add a patient id of the affinity domain (201), or update a known one (200; a merged id is re-activated).
    scope.put<{ Params: PatientParams }>(
      "/api/patients/:patientId",
      {
        logLevel: "warn",
        schema: {
          params: PatientParams,
          response: { 200: Patient, 201: Patient, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { patientId } = request.params;
        if (!isDomainPatientId(patientId, deps.codes)) return invalidPatientId(reply, "patientId");
        const result = await recordPatientIdentity(deps.db, patientId, { reactivateMerged: true, audit: auditContext(deps, request) });
        if (!result.ok) throw new Error("recordPatientIdentity refused a re-activation it was asked for");
        return reply.code(result.result === "created" ? 201 : 200).send(result.patient);
      },
    );

    // Read a patient id's status: active, or merged with the surviving id.
    scope.get<{ Params: PatientParams }>(
      "/api/patients/:patientId",
      {
        logLevel: "warn",
        schema: { params: PatientParams, response: { 200: Patient, ...problemResponses } },
      },
      async (request, reply) => {
        const { patientId } = request.params;
        if (!isDomainPatientId(patientId, deps.codes)) return invalidPatientId(reply, "patientId");
        const patient = await findPatientIdentity(deps.db, patientId);
        if (!patient) return sendProblem(reply, PROBLEM_TYPE.unknownPatient, "The patient id is not known to the registry");
        return reply.send(patient);
      },
    );

    // Merge the subsumed id into the surviving one, exactly as an ITI-8 A40 does (patient-identity.service.ts).
    scope.post<{ Body: MergeBody }>(
      "/api/patients/merge",
      {
        logLevel: "warn",
        schema: {
          body: MergeBody,
          response: { 200: MergeReply, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { survivingId, subsumedId } = request.body;
        if (!isDomainPatientId(survivingId, deps.codes)) return invalidPatientId(reply, "survivingId");
        if (!isDomainPatientId(subsumedId, deps.codes)) return invalidPatientId(reply, "subsumedId");
        const result = await mergePatients(deps.db, [{ survivingId, subsumedId }], auditContext(deps, request));
        if (!result.ok) return mergeProblem(reply, result.reason);
        const [outcome] = result.outcomes;
        return reply.send(outcome);
      },
    );
    done();
  });
}

/** The admin API's changes are recorded as the registry's ITI-8, the caller named by the gateway's headers. */
function auditContext(deps: RegistryDeps, request: FastifyRequest): AuditContext {
  const { context, headerErrors } = auditRequestContextOf({
    headers: { ...request.headers, "x-forwarded-for": request.headers["x-forwarded-for"] ?? request.ip },
    path: request.url.split("?")[0] ?? request.url,
  });
  if (headerErrors.length > 0) request.log.warn({ code: "REG_AUDIT_HEADER_INVALID", errors: headerErrors }, "a gateway header is malformed; the audit record leaves it out");
  return { auditor: registryAuditor(deps.config, context) };
}

function invalidPatientId(reply: FastifyReply, field: string): FastifyReply {
  return sendProblem(reply, PROBLEM_TYPE.invalidPatientId, `${field} is not a CX patient id (id^^^&OID&ISO) of an assigning authority of this affinity domain`);
}

function mergeProblem(reply: FastifyReply, reason: MergeFailureReason): FastifyReply {
  switch (reason) {
    case "unknown-subsumed":
      return sendProblem(reply, PROBLEM_TYPE.unknownPatient, "subsumedId is not known to the registry");
    case "same-id":
      return sendProblem(reply, PROBLEM_TYPE.mergeConflict, "survivingId and subsumedId are the same: a patient cannot be merged into itself");
    case "subsumed-merged-elsewhere":
      return sendProblem(reply, PROBLEM_TYPE.mergeConflict, "subsumedId was already merged into another patient id");
    case "surviving-merged":
      return sendProblem(reply, PROBLEM_TYPE.mergeConflict, "survivingId was itself merged into another patient id; merge into that one");
  }
}
