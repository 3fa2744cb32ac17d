import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { messageOf } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { storedJobOptions, type StoredJob } from "./bullmq-job-format.js";
import { JobQueueError, UnrecoverableJobError } from "./job-errors.js";
import { jobLogger, logJobFailure } from "./job-log.js";
import { serializeJobPayload } from "./job-payload.js";
import {
  JOB_DEFAULTS,
  type AddJobOptions,
  type AddedJob,
  type FailedJob,
  type JobDefinition,
  type JobPayload,
  type JobQueue,
  type JobQueueSettings,
  type JobType,
} from "./job-queue.js";
import { assertDelayMs, assertEveryMs, assertJobId, resolveJobDefinition, retryDelayMs, type ResolvedJobDefinition } from "./job-rules.js";

/** One kind of job: a BullMQ queue and its worker, under the queue's key prefix. */
interface Lane {
  readonly definition: ResolvedJobDefinition<JobPayload>;
  readonly queue: Queue<StoredJob>;
  readonly worker: Worker<StoredJob>;
  readonly options: JobsOptions;
}

export interface BullmqJobQueueSettings extends JobQueueSettings {
  /** redis://[user:password@]host:port[/db] or rediss:// */
  readonly redisUrl: string;
  /** How long close() waits for running jobs and Redis before dropping the connections. Default 30 s. */
  readonly closeTimeoutMs?: number;
}

/**
 * The queue on Redis (BullMQ): jobs survive restarts, are shared by every instance using the same key prefix, and a
 * job interrupted by a crash is handed to another worker. One BullMQ queue and worker per kind of job. Two
 * connections, plus a blocking one per worker: the workers' waits for Redis to come back, while adding a job is refused
 * at once while Redis is not connected and gives up after a few retries (JOB_QUEUE_UNAVAILABLE), so a caller never
 * hangs on a Redis that is down.
 * close() closes them all.
 */
export async function createBullmqJobQueue(settings: BullmqJobQueueSettings): Promise<JobQueue> {
  const log = settings.logger.child({ jobs: "bullmq", queue: settings.prefix });
  const defaultConcurrency = settings.concurrency ?? JOB_DEFAULTS.concurrency;
  const keepCompleted = settings.keepCompleted ?? JOB_DEFAULTS.keepCompleted;
  const keepFailed = settings.keepFailed ?? JOB_DEFAULTS.keepFailed;
  const where = redactRedisUrl(settings.redisUrl);
  const closeTimeoutMs = settings.closeTimeoutMs ?? 30_000;

  // maxRetriesPerRequest null: BullMQ's workers wait for Redis to come back rather than fail their blocking calls.
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, connectionName: `jobs:${settings.prefix}` });
  const producer = new Redis(settings.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true, connectionName: `jobs:${settings.prefix}:add` });
  const connectionTrouble = throttledWarning(log, "the job queue's Redis connection failed; BullMQ reconnects");
  connection.on("error", connectionTrouble);
  producer.on("error", connectionTrouble);
  try {
    await Promise.all([connection.connect(), producer.connect()]);
  } catch (cause) {
    connection.disconnect();
    producer.disconnect();
    throw new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} could not be reached for the job queue: ${messageOf(cause)}`, { cause });
  }
  const unavailable = (cause: unknown): JobQueueError =>
    new JobQueueError("JOB_QUEUE_UNAVAILABLE", `Redis at ${where} did not take the job: ${messageOf(cause)}`, { cause });

  const lanes = new Map<string, Lane>();
  let closing: Promise<void> | undefined;

  const laneOf = (name: string): Lane => {
    const lane = lanes.get(name);
    if (!lane) throw new JobQueueError("JOB_UNKNOWN", `no job named ${name} is defined on queue ${settings.prefix}`);
    return lane;
  };
  const assertOpen = (): void => {
    if (closing) throw new JobQueueError("JOB_QUEUE_CLOSED", `queue ${settings.prefix} is closed`);
  };

  const process = async (definition: ResolvedJobDefinition<JobPayload>, job: Job<StoredJob>): Promise<void> => {
    const jobId = job.id ?? "";
    const payload = JSON.parse(job.data.payload) as JobPayload;
    const attempt = job.attemptsMade + 1;
    const jobLog = jobLogger(log, definition.name, jobId, payload);
    try {
      await definition.run(payload, { jobId, name: definition.name, attempt, maxAttempts: definition.attempts, logger: jobLog });
    } catch (err) {
      const unrecoverable = err instanceof UnrecoverableJobError;
      const retryable = !unrecoverable && attempt < definition.attempts;
      logJobFailure(jobLog, err, attempt, definition.attempts, retryable ? retryDelayMs(definition.backoffMs, attempt) : undefined);
      if (unrecoverable) throw new UnrecoverableError(err.message);
      throw err;
    }
  };

  const queue: JobQueue = {
    backend: "bullmq",

    define<P extends JobPayload>(definition: JobDefinition<P>): JobType<P> {
      assertOpen();
      if (lanes.has(definition.name)) throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${definition.name} is defined twice`);
      // Payloads reach the handler parsed from the JSON that add() checked against the same definition's type.
      const resolved = resolveJobDefinition(definition, defaultConcurrency) as unknown as ResolvedJobDefinition<JobPayload>;
      const bullQueue = new Queue<StoredJob>(resolved.name, { connection: producer, prefix: settings.prefix });
      const worker = new Worker<StoredJob>(resolved.name, (job) => process(resolved, job), {
        connection,
        prefix: settings.prefix,
        concurrency: resolved.concurrency,
      });
      bullQueue.on("error", connectionTrouble);
      worker.on("error", connectionTrouble);
      lanes.set(resolved.name, {
        definition: resolved,
        queue: bullQueue,
        worker,
        options: storedJobOptions({ attempts: resolved.attempts, backoffMs: resolved.backoffMs, keepCompleted, keepFailed }),
      });
      return {
        name: definition.name,
        add: (payload, options) => queue.add(definition.name, payload, options),
        every: (everyMs, payload) => queue.every(definition.name, everyMs, payload),
      };
    },

    async add(name: string, payload: object, options: AddJobOptions = {}): Promise<AddedJob> {
      assertOpen();
      const lane = laneOf(name);
      const json = serializeJobPayload(name, payload);
      assertDelayMs(name, options.delayMs);
      const jobId = options.jobId;
      if (jobId !== undefined) assertJobId(jobId);
      // BullMQ ignores an add whose id it holds and answers the same way; the token tells which add stored the job.
      const addId = jobId === undefined ? "" : randomUUID();
      // Not connected (Redis down, reconnecting): refused at once rather than after the reconnection attempts, so a
      // request that queues a job on its way (the registry's statistics after ITI-42) is not held up by the outage.
      if (producer.status !== "ready") throw unavailable(new Error(`not connected (${producer.status})`));
      try {
        const job = await lane.queue.add(name, { payload: json, addId }, { ...lane.options, ...delay(options.delayMs), ...(jobId === undefined ? {} : { jobId }) });
        if (jobId === undefined) return { jobId: job.id ?? "", added: true };
        const stored = await lane.queue.getJob(jobId);
        return { jobId, added: stored === undefined || stored.data.addId === addId };
      } catch (e) {
        throw unavailable(e);
      }
    },

    async every(name: string, everyMs: number, payload: object): Promise<void> {
      assertOpen();
      const lane = laneOf(name);
      assertEveryMs(name, everyMs);
      const json = serializeJobPayload(name, payload);
      await lane.queue
        .upsertJobScheduler(name, { every: everyMs, startDate: Date.now() + everyMs }, { name, data: { payload: json, addId: "" }, opts: lane.options })
        .catch((e: unknown) => {
          throw unavailable(e);
        });
    },

    async listFailed(options = {}): Promise<FailedJob[]> {
      const limit = options.limit ?? JOB_DEFAULTS.listFailedLimit;
      const chosen = options.name === undefined ? [...lanes.values()] : [laneOf(options.name)];
      const jobs = (await Promise.all(chosen.map((l) => l.queue.getFailed(0, limit - 1)))).flat();
      return jobs
        .map((job): FailedJob => ({
          jobId: job.id ?? "",
          name: job.name,
          payload: JSON.parse((job.data).payload) as JobPayload,
          attemptsMade: job.attemptsMade,
          reason: job.failedReason,
          failedAt: new Date(job.finishedOn ?? job.timestamp),
        }))
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
        .slice(0, limit);
    },

    close(): Promise<void> {
      closing ??= (async () => {
        const graceful = async (): Promise<void> => {
          // Workers first: each waits for its running jobs and closes its blocking connection.
          await Promise.all([...lanes.values()].map((l) => l.worker.close()));
          await Promise.all([...lanes.values()].map((l) => l.queue.close()));
          await Promise.all([connection.quit(), producer.quit()]);
        };
        // With Redis unreachable a graceful close would wait for it forever: the connections are dropped instead
        // (jobs still running lose their result; BullMQ hands them to a worker again once their lock expires).
        const closed = connection.status === "ready" ? await withinMs(graceful(), closeTimeoutMs) : false;
        if (closed) return;
        log.warn({ redis: where, closeTimeoutMs }, "Redis did not answer while the job queue closed; its connections are dropped");
        await Promise.all(
          [...lanes.values()].flatMap((l) => [l.worker.close(true), l.worker.disconnect(), l.queue.disconnect()].map((p) => withinMs(p, 1000))),
        );
        connection.disconnect();
        producer.disconnect();
      })();
      return closing;
    },
  };
  return queue;
}

/** Whether `promise` settled within `ms` (a rejection counts as settled: the close went as far as it could). */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(delayMs: number | undefined): { delay?: number } {
  return delayMs !== undefined && delayMs > 0 ? { delay: delayMs } : {};
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** ioredis reports every failed reconnection; one line a minute is enough to tell an operator. */
export function throttledWarning(log: Logger, message: string, everyMs = 60_000): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    log.warn({ err }, message);
  };
}
