import type { JobPayload, JobQueue, JobType } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { recountAfterRegistration, recountAllMonths } from "../domain/statistics/recount-statistics.js";
import type { RegistryDatabase } from "../storage/registry-database.js";

/**
 * Purpose: the statistics the DSP publishes (GET /api/stats) follow the registrations without slowing them down.
 * After each committed ITI-42 registration a job recounts the month it was registered in; the job is keyed by the
 * submission set, so queuing it twice runs it once, and running it twice counts once (a recount replaces the
 * month's numbers). A repeatable catch-up job recounts every month, so a job lost (Redis down when it was queued, a
 * crash) or numbers moved by a patient merge heal within REGISTRY_STATISTICS_CATCH_UP_MINUTES. Payloads carry ids
 * only, never patient data.
 */
export const STATISTICS_AFTER_REGISTRATION_JOB = "statistics-after-registration";
export const STATISTICS_CATCH_UP_JOB = "statistics-catch-up";

export interface StatisticsAfterRegistrationPayload extends JobPayload {
  readonly submissionSetUuid: string;
}

export interface StatisticsJobs {
  /** Queues the recount after the registration of this submission set (idempotent per submission set). */
  afterRegistration(submissionSetUuid: string): Promise<void>;
  /** Queues a recount of every month now. */
  catchUpNow(): Promise<void>;
}

/** Job ids allow letters, digits and . _ - ~ only: the entryUUID without its urn:uuid: prefix. */
export function statisticsJobId(submissionSetUuid: string): string {
  return `statistics-${submissionSetUuid.replace(/^urn:uuid:/i, "").replace(/[^A-Za-z0-9._~-]/g, "_")}`;
}

/** Defines both jobs on the queue and schedules the catch-up every `catchUpMinutes`. */
export async function defineStatisticsJobs(queue: JobQueue, db: Kysely<RegistryDatabase>, catchUpMinutes: number): Promise<StatisticsJobs> {
  const afterRegistration: JobType<StatisticsAfterRegistrationPayload> = queue.define<StatisticsAfterRegistrationPayload>({
    name: STATISTICS_AFTER_REGISTRATION_JOB,
    run: async (payload, { logger }) => {
      const months = await recountAfterRegistration(db, payload.submissionSetUuid);
      logger.debug({ months }, "statistics recounted after a registration");
    },
  });
  const catchUp: JobType<JobPayload> = queue.define<JobPayload>({
    name: STATISTICS_CATCH_UP_JOB,
    attempts: 3,
    concurrency: 1,
    run: async (_payload, { logger }) => {
      const months = await recountAllMonths(db);
      logger.info({ months }, "statistics recounted");
    },
  });
  await catchUp.every(catchUpMinutes * 60_000, {});
  return {
    async afterRegistration(submissionSetUuid) {
      await afterRegistration.add({ submissionSetUuid }, { jobId: statisticsJobId(submissionSetUuid) });
    },
    async catchUpNow() {
      await catchUp.add({});
    },
  };
}
