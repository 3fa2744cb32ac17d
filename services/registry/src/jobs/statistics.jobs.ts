import type { JobPayload, JobQueue, JobType } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { recountAfterRegistration, recountAllMonths } from "../domain/statistics/recount-statistics.js";
import type { RegistryDatabase } from "../storage/registry-database.js";

/**
 * Purpose: the statistics the DSP publishes (GET /api/stats) follow the registrations without slowing them down.
 * A committed ITI-42 registration queues a recount of the month it was registered in, delayed to the end of the
 * current window of REGISTRY_STATISTICS_WINDOW_MS and keyed by that window: every registration of the window shares
 * one recount, which runs after all of them committed (each queues only after its commit, and before the window
 * ends). A recount reads the whole month (about a second for a month of a million documents), so one per
 * registration would queue far more work than the registrations themselves. Running a recount twice counts once
 * (it replaces the month's numbers). A repeatable catch-up job recounts every month, so a job lost (Redis down when
 * it was queued, a crash, an in-process queue closed during its delay) or numbers moved by a patient merge heal
 * within REGISTRY_STATISTICS_CATCH_UP_MINUTES. Payloads carry ids only, never patient data.
 */
export const STATISTICS_AFTER_REGISTRATION_JOB = "statistics-after-registration";
export const STATISTICS_CATCH_UP_JOB = "statistics-catch-up";

export interface StatisticsAfterRegistrationPayload extends JobPayload {
  readonly submissionSetUuid: string;
}

export interface StatisticsJobs {
  /** Queues the recount after the registration of this submission set (one per window, shared by its registrations). */
  afterRegistration(submissionSetUuid: string): Promise<void>;
  /** Queues a recount of every month now. */
  catchUpNow(): Promise<void>;
}

/** The window a registration queued at `nowMs` falls in, its job id and the delay until the window ends. */
export function statisticsWindow(nowMs: number, windowMs: number): { jobId: string; delayMs: number } {
  const window = Math.floor(nowMs / windowMs);
  return { jobId: `statistics-${windowMs}-${window}`, delayMs: (window + 1) * windowMs - nowMs };
}

/** Defines both jobs on the queue and schedules the catch-up every `catchUpMinutes`. */
export async function defineStatisticsJobs(
  queue: JobQueue,
  db: Kysely<RegistryDatabase>,
  catchUpMinutes: number,
  windowMs: number,
  clock: () => number = Date.now,
): Promise<StatisticsJobs> {
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
  // The window whose recount this process has queued: its later registrations share that job, and asking the queue
  // again for each of them (a Redis round trip per registration) would only be told so.
  let queuedWindow: string | undefined;
  return {
    async afterRegistration(submissionSetUuid) {
      // The first registration of the window names the month; a window that spans a month's end (registration
      // times are the database's clock) also recounts the next month when it has statistics, else the catch-up does.
      const { jobId, delayMs } = statisticsWindow(clock(), windowMs);
      if (jobId === queuedWindow) return;
      await afterRegistration.add({ submissionSetUuid }, { jobId, delayMs });
      queuedWindow = jobId;
    },
    async catchUpNow() {
      await catchUp.add({});
    },
  };
}
