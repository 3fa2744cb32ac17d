import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../logging/logger.js";
import { createInProcessJobQueue } from "./in-process-job-queue.js";
import { createJobQueue } from "./create-job-queue.js";
import { describeJobQueueContract } from "./job-queue.contract.js";
import type { JobPayload } from "./job-queue.js";

const logger = createLogger({ service: "jobs-test", level: "silent" });

describeJobQueueContract("in-process", () => createJobQueue({ prefix: "test:in-process", logger }));

describe("in-process job queue", () => {
  it("is what createJobQueue gives without a Redis URL", async () => {
    const queue = await createJobQueue({ prefix: "test", logger, redisUrl: "" });
    expect(queue.backend).toBe("in-process");
    await queue.close();
  });

  it("runs the jobs still waiting before close() resolves, and drops retries waiting for their delay", async () => {
    const queue = createInProcessJobQueue({ prefix: "test", logger, concurrency: 1 });
    const done: string[] = [];
    queue.define<JobPayload & { n: number }>({
      name: "line",
      run: (payload) => {
        done.push(`line-${payload.n}`);
        return Promise.resolve();
      },
    });
    let retried = 0;
    queue.define({
      name: "retry-later",
      backoffMs: 60_000,
      run: () => {
        retried++;
        return Promise.reject(new Error("not yet"));
      },
    });
    await queue.add("retry-later", {});
    await vi.waitFor(() => expect(retried).toBe(1));
    for (let n = 0; n < 5; n++) await queue.add("line", { n });
    await queue.close();
    expect(done).toEqual(["line-0", "line-1", "line-2", "line-3", "line-4"]);
    expect(retried).toBe(1);
    // A dropped retry is not a job failed for good.
    expect(await queue.listFailed()).toEqual([]);
  });

  it("keeps a bounded dead letter and forgets completed ids past the retention count", async () => {
    const queue = createInProcessJobQueue({ prefix: "test", logger, keepFailed: 2, keepCompleted: { count: 2, ageMs: 60_000 } });
    queue.define({ name: "fail", attempts: 1, run: () => Promise.reject(new Error("no")) });
    let ran = 0;
    queue.define({
      name: "ok",
      run: () => {
        ran++;
        return Promise.resolve();
      },
    });
    for (const id of ["f-1", "f-2", "f-3"]) await queue.add("fail", {}, { jobId: id });
    await vi.waitFor(async () => expect((await queue.listFailed()).map((f) => f.jobId)).toEqual(["f-3", "f-2"]));

    for (const id of ["c-1", "c-2", "c-3"]) await queue.add("ok", {}, { jobId: id });
    await vi.waitFor(() => expect(ran).toBe(3));
    // c-1 is the oldest of three completed ids with room for two: its id may be used again.
    expect(await queue.add("ok", {}, { jobId: "c-3" })).toMatchObject({ added: false });
    expect(await queue.add("ok", {}, { jobId: "c-1" })).toMatchObject({ added: true });
    await vi.waitFor(() => expect(ran).toBe(4));
    await queue.close();
  });

  it("does not pile up runs of a schedule while one is still running", async () => {
    const queue = createInProcessJobQueue({ prefix: "test", logger, concurrency: 4 });
    let running = 0;
    let most = 0;
    let runs = 0;
    queue.define({
      name: "long-sweep",
      run: async () => {
        running++;
        runs++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 60));
        running--;
      },
    });
    await queue.every("long-sweep", 5, {});
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    expect(most).toBe(1);
    await queue.close();
  });

  it("refuses an invalid queue prefix and a Redis URL of another scheme", async () => {
    await expect(createJobQueue({ prefix: "has space", logger })).rejects.toMatchObject({ code: "JOB_DEFINITION_INVALID" });
    await expect(createJobQueue({ prefix: "ok", logger, redisUrl: "http://127.0.0.1:6379" })).rejects.toMatchObject({ code: "JOB_QUEUE_UNAVAILABLE" });
  });
});
