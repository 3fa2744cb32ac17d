import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_JOB_PAYLOAD_BYTES } from "./job-payload.js";
import { UnrecoverableJobError } from "./job-errors.js";
import type { JobContext, JobPayload, JobQueue } from "./job-queue.js";

/** A promise with its resolve function, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

interface NotePayload extends JobPayload {
  readonly note: string;
}

/**
 * The behaviour every JobQueue implementation owes its callers, run against the in-process queue (unit tests) and
 * BullMQ on Redis (integration tests). `makeQueue` gives a fresh, empty queue each time.
 */
export function describeJobQueueContract(label: string, makeQueue: () => Promise<JobQueue>): void {
  describe(`job queue contract: ${label}`, () => {
    const opened: JobQueue[] = [];
    const fresh = async (): Promise<JobQueue> => {
      const queue = await makeQueue();
      opened.push(queue);
      return queue;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });

    it("retries a failing job with its attempt number, then succeeds; nothing reaches the dead letter", async () => {
      const queue = await fresh();
      const attempts: number[] = [];
      const done = gate();
      const job = queue.define<NotePayload>({
        name: "flaky",
        attempts: 4,
        backoffMs: 5,
        run: (payload, context) => {
          attempts.push(context.attempt);
          expect(payload.note).toBe("hello");
          expect(context.maxAttempts).toBe(4);
          if (context.attempt < 3) return Promise.reject(new Error(`failure ${context.attempt}`));
          done.open();
          return Promise.resolve();
        },
      });
      const added = await job.add({ note: "hello", requestId: "req-1" }, { jobId: "flaky-1" });
      expect(added).toEqual({ jobId: "flaky-1", added: true });
      await done.promise;
      expect(attempts).toEqual([1, 2, 3]);
      expect(await queue.listFailed()).toEqual([]);
    });

    it("deduplicates by job id: a held, running or completed id is not added again", async () => {
      const queue = await fresh();
      const seen: string[] = [];
      const release = gate();
      const started = gate();
      const finished = gate();
      queue.define<NotePayload>({
        name: "once",
        run: async (payload) => {
          seen.push(payload.note);
          started.open();
          await release.promise;
          finished.open();
        },
      });
      expect(await queue.add("once", { note: "first" }, { jobId: "order-42" })).toEqual({ jobId: "order-42", added: true });
      expect(await queue.add("once", { note: "second" }, { jobId: "order-42" })).toEqual({ jobId: "order-42", added: false });
      await started.promise;
      expect(await queue.add("once", { note: "while running" }, { jobId: "order-42" })).toMatchObject({ added: false });
      release.open();
      await finished.promise;
      await vi.waitFor(async () => expect(await queue.add("once", { note: "after" }, { jobId: "order-42" })).toMatchObject({ added: false }));
      // Another id is another job.
      const other = await queue.add("once", { note: "other" }, { jobId: "order-43" });
      expect(other.added).toBe(true);
      await vi.waitFor(() => expect(seen).toEqual(["first", "other"]));
    });

    it("keeps a job failed for good in the dead letter, after its last attempt or at once when unrecoverable", async () => {
      const queue = await fresh();
      let runs = 0;
      queue.define<NotePayload>({
        name: "doomed",
        attempts: 3,
        backoffMs: 1,
        run: () => {
          runs++;
          return Promise.reject(new Error("the archive refused it"));
        },
      });
      let unrecoverableRuns = 0;
      queue.define<NotePayload>({
        name: "refused",
        attempts: 5,
        run: () => {
          unrecoverableRuns++;
          return Promise.reject(new UnrecoverableJobError("no such document"));
        },
      });
      await queue.add("doomed", { note: "a", requestId: "req-9" }, { jobId: "doomed-1" });
      await queue.add("refused", { note: "b" }, { jobId: "refused-1" });
      await vi.waitFor(async () => expect(await queue.listFailed()).toHaveLength(2), { timeout: 10_000 });

      const [doomed] = await queue.listFailed({ name: "doomed" });
      expect(doomed).toMatchObject({ jobId: "doomed-1", name: "doomed", payload: { note: "a", requestId: "req-9" }, attemptsMade: 3, reason: "the archive refused it" });
      expect(doomed?.failedAt).toBeInstanceOf(Date);
      expect(runs).toBe(3);
      const [refused] = await queue.listFailed({ name: "refused" });
      expect(refused).toMatchObject({ jobId: "refused-1", attemptsMade: 1, reason: "no such document" });
      expect(unrecoverableRuns).toBe(1);
      expect(await queue.listFailed({ limit: 1 })).toHaveLength(1);
      // A dead job's id stays taken: adding it again does not run it again.
      expect(await queue.add("doomed", { note: "a" }, { jobId: "doomed-1" })).toMatchObject({ added: false });
    });

    it("runs a repeatable job every period with its payload", async () => {
      const queue = await fresh();
      const runs: { note: string; jobId: string }[] = [];
      const job = queue.define<NotePayload>({
        name: "tick",
        run: (payload, context) => {
          runs.push({ note: payload.note, jobId: context.jobId });
          return Promise.resolve();
        },
      });
      await job.every(40, { note: "sweep" });
      await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 20 });
      expect(runs.every((r) => r.note === "sweep")).toBe(true);
      expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
      // Scheduling again replaces the schedule rather than adding a second one.
      await job.every(40, { note: "again" });
      await vi.waitFor(() => expect(runs.some((r) => r.note === "again")).toBe(true), { timeout: 10_000, interval: 20 });
    });

    it("runs no more jobs of a kind at once than its concurrency", async () => {
      const queue = await fresh();
      let running = 0;
      let most = 0;
      let finished = 0;
      queue.define<NotePayload>({
        name: "narrow",
        concurrency: 2,
        run: async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 15));
          running--;
          finished++;
        },
      });
      for (let i = 0; i < 6; i++) await queue.add("narrow", { note: String(i) });
      await vi.waitFor(() => expect(finished).toBe(6), { timeout: 10_000 });
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBeGreaterThanOrEqual(1);
    });

    it("close() waits for running jobs to finish, then refuses new jobs", async () => {
      const queue = await fresh();
      const release = gate();
      const contexts: JobContext[] = [];
      let finished = 0;
      queue.define<NotePayload>({
        name: "slow",
        concurrency: 2,
        run: async (_payload, context) => {
          contexts.push(context);
          await release.promise;
          finished++;
        },
      });
      await queue.add("slow", { note: "1" });
      await queue.add("slow", { note: "2" });
      await vi.waitFor(() => expect(contexts).toHaveLength(2), { timeout: 10_000 });

      let closed = false;
      const closing = queue.close().then(() => {
        closed = true;
      });
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release.open();
      await closing;
      expect(finished).toBe(2);
      await expect(queue.add("slow", { note: "late" })).rejects.toMatchObject({ code: "JOB_QUEUE_CLOSED" });
      // Closing twice is harmless.
      await queue.close();
    });

    it("refuses payloads that are not small JSON objects, unknown jobs and malformed ids, with stable codes", async () => {
      const queue = await fresh();
      queue.define<JobPayload & { blob?: unknown; note?: string }>({ name: "strict", run: () => Promise.resolve() });
      await expect(queue.add("strict", { note: "x".repeat(MAX_JOB_PAYLOAD_BYTES) })).rejects.toMatchObject({
        code: "JOB_PAYLOAD_TOO_LARGE",
        message: expect.stringContaining("never document bytes") as string,
      });
      await expect(queue.add("strict", { blob: Buffer.from("%PDF-1.7") })).rejects.toMatchObject({ code: "JOB_PAYLOAD_INVALID" });
      await expect(queue.add("missing", { note: "x" })).rejects.toMatchObject({ code: "JOB_UNKNOWN" });
      await expect(queue.add("strict", { note: "x" }, { jobId: "has:colon" })).rejects.toMatchObject({ code: "JOB_ID_INVALID" });
      await expect(queue.add("strict", { note: "x" }, { jobId: "12345" })).rejects.toMatchObject({ code: "JOB_ID_INVALID" });
      expect(() => queue.define({ name: "strict", run: () => Promise.resolve() })).toThrow(/defined twice/);
      expect(() => queue.define({ name: "Bad Name", run: () => Promise.resolve() })).toThrow(/lower-case/);
      expect(() => queue.define({ name: "greedy", attempts: 1000, run: () => Promise.resolve() })).toThrow(/attempts/);
    });

    it("hands the handler the payload as JSON gives it back, and runs a delayed job", async () => {
      const queue = await fresh();
      const received: unknown[] = [];
      queue.define<JobPayload & { at: unknown; keys: string[] }>({
        name: "shape",
        run: (payload) => {
          received.push(payload);
          return Promise.resolve();
        },
      });
      await queue.add("shape", { at: new Date("2026-01-02T03:04:05.000Z"), keys: ["documents/2026/01/a"] }, { delayMs: 30 });
      await vi.waitFor(() => expect(received).toEqual([{ at: "2026-01-02T03:04:05.000Z", keys: ["documents/2026/01/a"] }]), { timeout: 10_000 });
    });
  });
}
