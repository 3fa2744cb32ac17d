import { AUDIT_DELIVERY } from "@opendsp/atna";
import type { FastifyInstance } from "fastify";
import Type, { type Static } from "typebox";
import type { AuditDeps, AuditSettings } from "../audit-deps.js";
import { AuditError } from "../domain/audit-error.js";
import { takeIntakeBatch } from "../domain/audit-intake.service.js";
import { problemResponses } from "./problem.js";

const Body = Type.Object(
  { records: Type.Array(Type.Unknown(), { minItems: 1, description: `AuditRecords, at most ${AUDIT_DELIVERY.maxBatch} (more: 413 AUDIT_INTAKE_TOO_LARGE)` }) },
  { additionalProperties: false },
);
const Stored = Type.Object({ stored: Type.Integer(), duplicates: Type.Integer() });

/**
 * POST /internal/audit-events: the intake of AUDIT_DELIVERY without Redis, where the relays post their outbox in
 * batches. Internal like the rest of the service: only the relays of the platform reach it, with no actor.
 */
export function registerIntakeRoute(app: FastifyInstance, deps: AuditDeps, settings: AuditSettings): void {
  app.post<{ Body: Static<typeof Body> }>(
    AUDIT_DELIVERY.intakePath,
    {
      bodyLimit: settings.AUDIT_INTAKE_MAX_BYTES,
      schema: { body: Body, response: { 200: Stored, ...problemResponses("AUDIT_INTAKE_INVALID", "AUDIT_INTAKE_TOO_LARGE", "AUDIT_STORE_UNAVAILABLE") } },
    },
    async (request) => {
      if (request.body.records.length > AUDIT_DELIVERY.maxBatch) {
        throw new AuditError("AUDIT_INTAKE_TOO_LARGE", `${request.body.records.length} records in one request; AUDIT_DELIVERY allows at most ${AUDIT_DELIVERY.maxBatch}`);
      }
      const outcome = await takeIntakeBatch(deps.db, request.body.records, deps.now());
      request.log.info({ records: request.body.records.length, stored: outcome.stored, duplicates: outcome.duplicates }, "audit intake");
      return outcome;
    },
  );
}
