import { createJobQueue, createLogger, removeJobQueueData, type JobQueue } from "@opendsp/platform";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRepository, type RepositoryUnderTest } from "../testing/repository-harness.js";
import { ORPHAN_SWEEP_JOB, scheduleOrphanSweeps, startOrphanSweeper, type OrphanSweeper, type SweepResult } from "./orphan-sweeper.job.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** This file's own key prefix in Redis, removed at the end. */
const PREFIX = `opendsp-test-${randomBytes(4).toString("hex")}:repository`;
const silent = createLogger({ service: "repository", level: "silent" });

let repository: RepositoryUnderTest;

beforeAll(async () => {
  repository = await startRepository({ blobs: "folder" });
});

afterAll(async () => {
  await repository?.close();
  await removeJobQueueData(REDIS_URL, PREFIX);
});

describe.each([
  ["in-process", undefined],
  ["BullMQ", REDIS_URL],
] as const)("orphan sweeps as a repeatable job (%s)", (label, redisUrl) => {
  let jobs: JobQueue;
  let sweeper: OrphanSweeper;

  afterAll(async () => {
    await jobs?.close();
    await sweeper?.stop();
  });

  it("sweeps every REPOSITORY_SWEEP_INTERVAL_SECONDS through the job queue", async () => {
    jobs = await createJobQueue({ redisUrl, prefix: `${PREFIX}:${label === "BullMQ" ? "bullmq" : "memory"}`, logger: silent });
    expect(jobs.backend).toBe(redisUrl ? "bullmq" : "in-process");
    const inner = startOrphanSweeper(repository.deps, silent);
    const results: SweepResult[] = [];
    sweeper = {
      runOnce: async (now) => {
        const result = await inner.runOnce(now);
        results.push(result);
        return result;
      },
      stop: () => inner.stop(),
    };
    await scheduleOrphanSweeps(jobs, sweeper, 1);
    await vi.waitFor(() => expect(results.length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 100 });
    // Nothing to sweep in a fresh repository, and a sweep that ran is not a failed job.
    expect(results[0]).toEqual({ deleted: 0, markedRegistered: 0, kept: 0 });
    expect(await jobs.listFailed({ name: ORPHAN_SWEEP_JOB })).toEqual([]);
  });
});
