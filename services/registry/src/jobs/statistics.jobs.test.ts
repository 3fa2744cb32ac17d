import {
  createJobQueue,
  createLogger,
  openDatabase,
  type AddJobOptions,
  type JobDefinition,
  type JobPayload,
  type JobQueue,
  type JobType,
} from "@opendsp/platform";
import { describe, expect, it } from "vitest";
import type { RegistryDatabase } from "../storage/registry-database.js";
import { defineStatisticsJobs, statisticsWindow } from "./statistics.jobs.js";

describe("statisticsWindow", () => {
  it("gives registrations of one window the same job, run when the window ends", () => {
    const start = 1_765_000_000_000 - (1_765_000_000_000 % 30_000);
    const first = statisticsWindow(start + 1, 30_000);
    const last = statisticsWindow(start + 29_999, 30_000);
    expect(last.jobId).toBe(first.jobId);
    expect(first.delayMs).toBe(29_999);
    expect(last.delayMs).toBe(1);
  });

  it("starts a new job with the next window, and keeps windows of another length apart", () => {
    const start = 1_765_000_000_000 - (1_765_000_000_000 % 30_000);
    expect(statisticsWindow(start + 30_000, 30_000).jobId).not.toBe(statisticsWindow(start + 29_999, 30_000).jobId);
    expect(statisticsWindow(start + 30_000, 30_000).delayMs).toBe(30_000);
    expect(statisticsWindow(start, 30_000).jobId).not.toBe(statisticsWindow(start, 60_000).jobId);
    // Job ids allow letters, digits and . _ - ~ only.
    expect(statisticsWindow(start, 30_000).jobId).toMatch(/^[A-Za-z0-9._~-]+$/);
  });
});

describe("defineStatisticsJobs", () => {
  it("asks the queue for a window's recount once, at the first registration of the window, and again in the next window", async () => {
    const queue = await createJobQueue({ prefix: "opendsp-test-statistics", logger: createLogger({ service: "registry", level: "silent" }) });
    const database = await openDatabase<RegistryDatabase>({});
    const asked: (string | undefined)[] = [];
    const counting: JobQueue = {
      ...queue,
      define<P extends JobPayload>(definition: JobDefinition<P>): JobType<P> {
        const type = queue.define(definition);
        return { ...type, add: (payload: P, options?: AddJobOptions) => (asked.push(options?.jobId), type.add(payload, options)) };
      },
    };
    const start = Date.UTC(2026, 11, 6, 10, 0, 0);
    let now = start + 1;
    try {
      const jobs = await defineStatisticsJobs(counting, database.db, 60, 60_000, () => now);
      await jobs.afterRegistration("urn:uuid:1");
      now = start + 30_000;
      await jobs.afterRegistration("urn:uuid:2");
      now = start + 60_000;
      await jobs.afterRegistration("urn:uuid:3");
      expect(asked).toEqual([statisticsWindow(start + 1, 60_000).jobId, statisticsWindow(start + 60_000, 60_000).jobId]);
    } finally {
      await queue.close();
      await database.close();
    }
  });
});
