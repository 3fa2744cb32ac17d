import type { JobQueue, JobQueueSettings } from "./job-queue.js";
import { JobQueueError } from "./job-errors.js";
import { createInProcessJobQueue } from "./in-process-job-queue.js";

export interface JobQueueConfig extends JobQueueSettings {
  /** redis:// or rediss:// to run jobs on BullMQ; absent or empty: the in-process queue. */
  readonly redisUrl?: string | undefined;
}

const PREFIX = /^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$/;

/**
 * The service's job queue: BullMQ when a Redis URL is given (Redis is contacted here, so a wrong URL fails the start
 * with JOB_QUEUE_UNAVAILABLE), otherwise the in-process queue of the embedded platform.
 */
export async function createJobQueue(config: JobQueueConfig): Promise<JobQueue> {
  if (!PREFIX.test(config.prefix)) {
    throw new JobQueueError("JOB_DEFINITION_INVALID", `queue prefix "${config.prefix}" must be letters, digits, ".", "_", "-", in parts joined by ":"`);
  }
  if (config.redisUrl === undefined || config.redisUrl === "") return createInProcessJobQueue(config);
  if (!/^rediss?:\/\//.test(config.redisUrl)) {
    throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", "the Redis URL of the job queue must start with redis:// or rediss://");
  }
  // Loaded only when used: the embedded platform starts without paying for BullMQ and its Redis client.
  const { createBullmqJobQueue } = await import("./bullmq-job-queue.js");
  return createBullmqJobQueue({ ...config, redisUrl: config.redisUrl });
}
