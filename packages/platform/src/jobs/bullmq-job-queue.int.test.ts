import { Redis } from "ioredis";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createConnection, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logging/logger.js";
import { createJobQueue } from "./create-job-queue.js";
import { describeJobQueueContract } from "./job-queue.contract.js";
import type { JobPayload } from "./job-queue.js";
import { removeJobQueueData } from "./remove-job-queue-data.js";

/** The local Redis of the integration tests (CI starts it). */
const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** Every key this file writes starts with it, so parallel test files and services never meet; removed at the end. */
const FILE_PREFIX = `opendsp-test-${randomBytes(4).toString("hex")}`;
const logger = createLogger({ service: "jobs-test", level: "silent" });
let counter = 0;
const freshPrefix = (): string => `${FILE_PREFIX}:q${++counter}`;

const admin = new Redis(REDIS_URL, { lazyConnect: true });

afterAll(async () => {
  await removeJobQueueData(REDIS_URL, FILE_PREFIX);
  await admin.quit();
});

describeJobQueueContract("BullMQ on Redis", () => createJobQueue({ redisUrl: REDIS_URL, prefix: freshPrefix(), logger }));

/** Names of the Redis clients of a queue: its own connection and the workers' blocking ones. */
async function clientsOf(prefix: string): Promise<string[]> {
  const list = (await admin.client("LIST")) as string;
  return list
    .split("\n")
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "")
    .filter((name) => name.startsWith(`jobs:${prefix}`) || name.startsWith(`${prefix}:`));
}

describe("BullMQ job queue", () => {
  it("is what createJobQueue gives with a Redis URL, and closes every connection it opened", async () => {
    const prefix = freshPrefix();
    const queue = await createJobQueue({ redisUrl: REDIS_URL, prefix, logger });
    expect(queue.backend).toBe("bullmq");
    let ran = false;
    queue.define({
      name: "ping",
      run: () => {
        ran = true;
        return Promise.resolve();
      },
    });
    await queue.add("ping", {});
    await vi.waitFor(() => expect(ran).toBe(true));
    expect((await clientsOf(prefix)).length).toBeGreaterThanOrEqual(3);
    await queue.close();
    await vi.waitFor(async () => expect(await clientsOf(prefix)).toEqual([]));
  });

  it("keeps jobs and the dead letter across a restart on the same prefix", async () => {
    const prefix = freshPrefix();
    const first = await createJobQueue({ redisUrl: REDIS_URL, prefix, logger });
    first.define({ name: "later", run: () => Promise.resolve() });
    first.define({ name: "broken", attempts: 1, run: () => Promise.reject(new Error("bad key")) });
    await first.add("broken", { requestId: "req-7" }, { jobId: "broken-1" });
    await vi.waitFor(async () => expect(await first.listFailed()).toHaveLength(1));
    // Due after the first queue is gone: only the next start can run it.
    await first.add("later", { requestId: "req-8" }, { jobId: "later-1", delayMs: 200 });
    await first.close();

    const second = await createJobQueue({ redisUrl: REDIS_URL, prefix, logger });
    const seen: JobPayload[] = [];
    second.define({
      name: "later",
      run: (payload) => {
        seen.push(payload);
        return Promise.resolve();
      },
    });
    second.define({ name: "broken", attempts: 1, run: () => Promise.reject(new Error("bad key")) });
    await vi.waitFor(() => expect(seen).toEqual([{ requestId: "req-8" }]), { timeout: 10_000 });
    expect(await second.listFailed()).toMatchObject([{ jobId: "broken-1", name: "broken", reason: "bad key", payload: { requestId: "req-7" } }]);
    await second.close();
  });

  it("keeps queues of different prefixes apart", async () => {
    const a = await createJobQueue({ redisUrl: REDIS_URL, prefix: freshPrefix(), logger });
    const b = await createJobQueue({ redisUrl: REDIS_URL, prefix: freshPrefix(), logger });
    const ranOn: string[] = [];
    for (const [label, queue] of [["a", a], ["b", b]] as const) {
      queue.define({
        name: "same-name",
        run: () => {
          ranOn.push(label);
          return Promise.resolve();
        },
      });
    }
    expect(await a.add("same-name", {}, { jobId: "shared-id" })).toMatchObject({ added: true });
    expect(await b.add("same-name", {}, { jobId: "shared-id" })).toMatchObject({ added: true });
    await vi.waitFor(() => expect(ranOn.sort()).toEqual(["a", "b"]));
    await Promise.all([a.close(), b.close()]);
  });

  it("removes the keys of a prefix, and only those", async () => {
    const [mine, theirs] = [freshPrefix(), freshPrefix()];
    for (const prefix of [mine, theirs]) {
      const queue = await createJobQueue({ redisUrl: REDIS_URL, prefix, logger });
      queue.define({ name: "kept", run: () => Promise.resolve() });
      await queue.add("kept", {}, { jobId: "k-1", delayMs: 60_000 });
      await queue.close();
    }
    expect(await removeJobQueueData(REDIS_URL, mine)).toBeGreaterThan(0);
    expect(await admin.keys(`${mine}:*`)).toEqual([]);
    expect((await admin.keys(`${theirs}:*`)).length).toBeGreaterThan(0);
  });

  it.skipIf(spawnSync("redis-server", ["--version"]).status !== 0)("refuses new jobs and closes, dropping its connections, when Redis has gone away", { timeout: 30_000 }, async () => {
    const own = await startOwnRedis();
    try {
      const queue = await createJobQueue({ redisUrl: own.url, prefix: freshPrefix(), logger });
      queue.define({ name: "orphaned", run: () => Promise.resolve() });
      await queue.add("orphaned", {}, { delayMs: 60_000 });
      await own.kill();
      // The client learns of the closed socket a moment after the server's exit; a command sent in that moment waits
      // for the reconnection attempts like any command in flight. The case here is Redis known to be down.
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Adding is refused at once while Redis is not connected, instead of after the reconnection attempts.
      const started = Date.now();
      await expect(queue.add("orphaned", {})).rejects.toMatchObject({ code: "JOB_QUEUE_UNAVAILABLE" });
      await expect(queue.add("orphaned", {})).rejects.toMatchObject({ code: "JOB_QUEUE_UNAVAILABLE" });
      expect(Date.now() - started).toBeLessThan(1000);
      // Without Redis a graceful close would wait for it forever.
      await queue.close();
      await expect(queue.add("orphaned", {})).rejects.toMatchObject({ code: "JOB_QUEUE_CLOSED" });
    } finally {
      await own.kill();
    }
  });

  it("fails at creation with JOB_QUEUE_UNAVAILABLE when Redis cannot be reached, without the password", async () => {
    await expect(createJobQueue({ redisUrl: "redis://:s3cret@127.0.0.1:1", prefix: freshPrefix(), logger })).rejects.toSatisfy((e: unknown) => {
      const err = e as { code: string; message: string };
      return err.code === "JOB_QUEUE_UNAVAILABLE" && err.message.includes("127.0.0.1:1") && !err.message.includes("s3cret");
    });
  });
});

/** A Redis server of this test's own (so it can be stopped), on a port free a moment ago. */
async function startOwnRedis(): Promise<{ url: string; kill(): Promise<void> }> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) => probe.listen({ host: "127.0.0.1", port: 0 }, () => resolve((probe.address() as { port: number }).port)));
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    await sleep(25);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
