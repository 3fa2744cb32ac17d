import { createJobQueue, type JobQueue, type Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { RegistryConfig } from "../config.js";
import type { RegistryDatabase } from "../storage/registry-database.js";
import { defineStatisticsJobs, type StatisticsJobs } from "./statistics.jobs.js";

export interface RegistryJobs {
  readonly queue: JobQueue;
  readonly statistics: StatisticsJobs;
  close(): Promise<void>;
}

/**
 * The registry's job queue (in-process, or BullMQ when REDIS_URL is set, under REGISTRY_JOBS_PREFIX) with its jobs
 * defined and scheduled. A start that fails here closes the queue it opened.
 */
export async function startRegistryJobs(config: RegistryConfig, db: Kysely<RegistryDatabase>, logger: Logger): Promise<RegistryJobs> {
  const queue = await createJobQueue({ redisUrl: config.REDIS_URL, prefix: config.REGISTRY_JOBS_PREFIX, logger });
  try {
    const statistics = await defineStatisticsJobs(queue, db, config.REGISTRY_STATISTICS_CATCH_UP_MINUTES, config.REGISTRY_STATISTICS_WINDOW_MS);
    logger.info({ jobs: queue.backend, statisticsCatchUpMinutes: config.REGISTRY_STATISTICS_CATCH_UP_MINUTES, statisticsWindowMs: config.REGISTRY_STATISTICS_WINDOW_MS }, "registry jobs ready");
    return { queue, statistics, close: () => queue.close() };
  } catch (e) {
    await queue.close();
    throw e;
  }
}
