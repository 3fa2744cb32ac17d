import { randomUUID } from "node:crypto";
import { messageOf } from "../errors/app-error.js";
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

/** A job the queue still has to run: waiting for a slot, waiting for its delay or retry, or running. */
interface HeldJob {
  readonly id: string;
  readonly name: string;
  readonly json: string;
  /** The schedule that added it (repeatable jobs). */
  readonly schedule: string | undefined;
  attemptsMade: number;
  state: "waiting" | "delayed" | "active";
  timer: NodeJS.Timeout | undefined;
}

/** The jobs of one kind: its definition, its waiting line and how many run now. */
interface Lane {
  readonly definition: ResolvedJobDefinition<JobPayload>;
  readonly waiting: HeldJob[];
  active: number;
}

/**
 * The embedded queue: jobs run on this process's event loop, with the same rules as the BullMQ queue (dedup by job
 * id, exponential backoff, bounded attempts, dead letter, repeatable jobs, draining close). Nothing survives the
 * process: a job lost in a crash is redone by whatever made it (the orphan sweeper's next period, for instance).
 */
export function createInProcessJobQueue(settings: JobQueueSettings): JobQueue {
  const log = settings.logger.child({ jobs: "in-process", queue: settings.prefix });
  const defaultConcurrency = settings.concurrency ?? JOB_DEFAULTS.concurrency;
  const keepCompleted = settings.keepCompleted ?? JOB_DEFAULTS.keepCompleted;
  const keepFailed = settings.keepFailed ?? JOB_DEFAULTS.keepFailed;

  const lanes = new Map<string, Lane>();
  const held = new Map<string, HeldJob>();
  /** Completed job ids with their finishing time, oldest first (insertion order), for deduplication. */
  const completed = new Map<string, number>();
  /** The dead letter, oldest first. */
  const failed = new Map<string, FailedJob>();
  const schedules = new Map<string, NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];
  let closing: Promise<void> | undefined;

  const laneOf = (name: string): Lane => {
    const lane = lanes.get(name);
    if (!lane) throw new JobQueueError("JOB_UNKNOWN", `no job named ${name} is defined on queue ${settings.prefix}`);
    return lane;
  };

  const assertOpen = (): void => {
    if (closing) throw new JobQueueError("JOB_QUEUE_CLOSED", `queue ${settings.prefix} is closed`);
  };

  const pruneCompleted = (now: number): void => {
    for (const [id, finishedAt] of completed) {
      if (completed.size <= keepCompleted.count && finishedAt >= now - keepCompleted.ageMs) break;
      completed.delete(id);
    }
  };

  const isIdle = (): boolean => [...lanes.values()].every((l) => l.active === 0 && l.waiting.length === 0);

  const notifyIdle = (): void => {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const enqueue = (lane: Lane, job: HeldJob): void => {
    job.state = "waiting";
    job.timer = undefined;
    lane.waiting.push(job);
    // Never inside the caller's turn: a handler starts after add() has returned.
    setImmediate(() => pump(lane));
  };

  const pump = (lane: Lane): void => {
    while (lane.active < lane.definition.concurrency) {
      const job = lane.waiting.shift();
      if (!job) break;
      void execute(lane, job);
    }
    notifyIdle();
  };

  const execute = async (lane: Lane, job: HeldJob): Promise<void> => {
    const { definition } = lane;
    job.state = "active";
    lane.active++;
    const attempt = job.attemptsMade + 1;
    const payload = JSON.parse(job.json) as JobPayload;
    const jobLog = jobLogger(log, job.name, job.id, payload);
    try {
      await definition.run(payload, { jobId: job.id, name: job.name, attempt, maxAttempts: definition.attempts, logger: jobLog });
      held.delete(job.id);
      const now = Date.now();
      completed.set(job.id, now);
      pruneCompleted(now);
    } catch (err) {
      job.attemptsMade = attempt;
      const retryable = !(err instanceof UnrecoverableJobError) && attempt < definition.attempts;
      if (retryable && !closing) {
        const delay = retryDelayMs(definition.backoffMs, attempt);
        logJobFailure(jobLog, err, attempt, definition.attempts, delay);
        job.state = "delayed";
        job.timer = setTimeout(() => enqueue(lane, job), delay);
      } else if (retryable) {
        held.delete(job.id);
        jobLog.warn({ err, attempt, maxAttempts: definition.attempts }, "job failed while the queue closed; its retry is dropped");
      } else {
        held.delete(job.id);
        logJobFailure(jobLog, err, attempt, definition.attempts, undefined);
        failed.set(job.id, { jobId: job.id, name: job.name, payload, attemptsMade: attempt, reason: messageOf(err), failedAt: new Date() });
        for (const id of failed.keys()) {
          if (failed.size <= keepFailed) break;
          failed.delete(id);
        }
      }
    } finally {
      lane.active--;
      pump(lane);
    }
  };

  const addJob = (lane: Lane, json: string, jobId: string, delayMs: number, schedule: string | undefined): AddedJob => {
    pruneCompleted(Date.now());
    if (held.has(jobId) || completed.has(jobId) || failed.has(jobId)) return { jobId, added: false };
    const job: HeldJob = { id: jobId, name: lane.definition.name, json, schedule, attemptsMade: 0, state: "delayed", timer: undefined };
    held.set(jobId, job);
    if (delayMs > 0) job.timer = setTimeout(() => enqueue(lane, job), delayMs);
    else enqueue(lane, job);
    return { jobId, added: true };
  };

  const queue: JobQueue = {
    backend: "in-process",

    define<P extends JobPayload>(definition: JobDefinition<P>): JobType<P> {
      assertOpen();
      if (lanes.has(definition.name)) throw new JobQueueError("JOB_DEFINITION_INVALID", `job ${definition.name} is defined twice`);
      const resolved = resolveJobDefinition(definition, defaultConcurrency);
      // The lane runs payloads parsed from the JSON that add() checked against the same definition's type.
      lanes.set(definition.name, { definition: resolved as unknown as ResolvedJobDefinition<JobPayload>, waiting: [], active: 0 });
      return {
        name: definition.name,
        add: (payload, options) => queue.add(definition.name, payload, options),
        every: (everyMs, payload) => queue.every(definition.name, everyMs, payload),
      };
    },

    add(name: string, payload: object, options: AddJobOptions = {}): Promise<AddedJob> {
      return settle(() => {
        assertOpen();
        const lane = laneOf(name);
        const json = serializeJobPayload(name, payload);
        const jobId = options.jobId ?? randomUUID();
        assertJobId(jobId);
        assertDelayMs(name, options.delayMs);
        return addJob(lane, json, jobId, options.delayMs ?? 0, undefined);
      });
    },

    every(name: string, everyMs: number, payload: object): Promise<void> {
      return settle(() => {
        assertOpen();
        const lane = laneOf(name);
        assertEveryMs(name, everyMs);
        const json = serializeJobPayload(name, payload);
        clearInterval(schedules.get(name));
        const timer = setInterval(() => {
          // Periods do not pile up: while a run of this schedule waits or runs, the period is skipped.
          for (const job of held.values()) if (job.schedule === name) return;
          addJob(lane, json, `repeat-${name}-${Date.now()}`, 0, name);
        }, everyMs);
        // A schedule alone never keeps the process alive.
        timer.unref();
        schedules.set(name, timer);
      });
    },

    listFailed(options = {}): Promise<FailedJob[]> {
      const limit = options.limit ?? JOB_DEFAULTS.listFailedLimit;
      const out = [...failed.values()].reverse().filter((j) => options.name === undefined || j.name === options.name);
      return Promise.resolve(out.slice(0, limit));
    },

    close(): Promise<void> {
      closing ??= (async () => {
        for (const timer of schedules.values()) clearInterval(timer);
        schedules.clear();
        let dropped = 0;
        for (const job of held.values()) {
          if (job.state !== "delayed") continue;
          clearTimeout(job.timer);
          held.delete(job.id);
          dropped++;
        }
        if (dropped > 0) log.warn({ dropped }, "jobs waiting for a delay or a retry are dropped at close");
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          notifyIdle();
        });
      })();
      return closing;
    },
  };
  return queue;
}

/** The value of `fn` as a promise, or its exception as a rejection (the queue's methods never throw synchronously). */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
