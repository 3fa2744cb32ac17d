import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { messageOf } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { storedJobOptions, type StoredJob, type StoredJobRetention } from "./bullmq-job-format.js";
import { redactRedisUrl, throttledWarning } from "./bullmq-job-queue.js";
import { JobQueueError } from "./job-errors.js";
import type { AddedJob } from "./job-queue.js";
import { serializeJobPayload } from "./job-payload.js";
import { assertJobId, resolveJobDefinition } from "./job-rules.js";

export interface BullmqJobProducerSettings {
  readonly redisUrl: string;
  /** The key prefix of the queue whose jobs are added (the consuming service's createJobQueue prefix). */
  readonly prefix: string;
  readonly logger: Logger;
}

/** How jobs of one name are added; the consumer's workers run them with these attempts. */
export interface ProducedJobKind extends StoredJobRetention {
  readonly name: string;
}

/**
 * Adds jobs to another service's BullMQ queue without running any: the jobs are stored exactly as that service's
 * createJobQueue stores its own (StoredJob), so its workers run them. One Redis connection; adding is refused with
 * JOB_QUEUE_UNAVAILABLE while it is not connected, and gives up after a few retries, rather than waiting for Redis.
 */
export interface JobProducer {
  /** Adds one job; a job id the queue still holds is not added again (`added: false`). */
  add(kind: ProducedJobKind, payload: object, jobId: string): Promise<AddedJob>;
  /**
   * Adds several jobs in one round trip to Redis (a relay's batch); ids the queue still holds are not added again.
   * Either every job is taken or the call rejects (then any of them may have been taken: adding again is harmless).
   */
  addMany(kind: ProducedJobKind, jobs: readonly { readonly payload: object; readonly jobId: string }[]): Promise<void>;
  close(): Promise<void>;
}

export async function createBullmqJobProducer(settings: BullmqJobProducerSettings): Promise<JobProducer> {
  const where = redactRedisUrl(settings.redisUrl);
  if (!/^rediss?:\/\//.test(settings.redisUrl)) {
    throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", "the Redis URL of the job producer must start with redis:// or rediss://");
  }
  const log = settings.logger.child({ jobs: "bullmq-producer", queue: settings.prefix });
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true, connectionName: `jobs:${settings.prefix}:producer` });
  const trouble = throttledWarning(log, "the job producer's Redis connection failed; it reconnects");
  connection.on("error", trouble);
  try {
    await connection.connect();
  } catch (cause) {
    connection.disconnect();
    throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} could not be reached for the job producer: ${messageOf(cause)}`, { cause });
  }
  const queues = new Map<string, Queue<StoredJob>>();
  let closed = false;

  const queueOf = (kind: ProducedJobKind): Queue<StoredJob> => {
    let queue = queues.get(kind.name);
    if (!queue) {
      // The same name, attempts and backoff rules as a defined job, checked once per kind.
      resolveJobDefinition({ name: kind.name, attempts: kind.attempts, backoffMs: kind.backoffMs, run: () => Promise.resolve() }, 1);
      queue = new Queue<StoredJob>(kind.name, { connection, prefix: settings.prefix });
      queue.on("error", trouble);
      queues.set(kind.name, queue);
    }
    return queue;
  };

  return {
    async add(kind, payload, jobId) {
      if (closed) throw new JobQueueError("JOB_QUEUE_CLOSED", `the job producer of ${settings.prefix} is closed`);
      // Not connected (Redis down, reconnecting): refused at once, the caller retries later, rather than waiting.
      if (connection.status !== "ready") throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} is not connected (${connection.status})`);
      const queue = queueOf(kind);
      const json = serializeJobPayload(kind.name, payload);
      assertJobId(jobId);
      const addId = randomUUID();
      try {
        await queue.add(kind.name, { payload: json, addId }, { ...storedJobOptions(kind), jobId });
        const stored = await queue.getJob(jobId);
        return { jobId, added: stored === undefined || stored.data.addId === addId };
      } catch (cause) {
        throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} did not take the job: ${messageOf(cause)}`, { cause });
      }
    },
    async addMany(kind, jobs) {
      if (closed) throw new JobQueueError("JOB_QUEUE_CLOSED", `the job producer of ${settings.prefix} is closed`);
      if (connection.status !== "ready") throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} is not connected (${connection.status})`);
      if (jobs.length === 0) return;
      const queue = queueOf(kind);
      const options = storedJobOptions(kind);
      const bulk = jobs.map(({ payload, jobId }) => {
        assertJobId(jobId);
        return { name: kind.name, data: { payload: serializeJobPayload(kind.name, payload), addId: randomUUID() }, opts: { ...options, jobId } };
      });
      try {
        await queue.addBulk(bulk);
      } catch (cause) {
        throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} did not take the jobs: ${messageOf(cause)}`, { cause });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // With Redis unreachable a graceful close would wait for it: the connection is dropped instead.
      if (connection.status !== "ready") {
        connection.disconnect();
        return;
      }
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
