import { startPrivateRedis } from "@opendsp/testing";
import { Queue, Worker } from "bullmq";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { redisCpuMs } from "./audit/redis-cpu.js";

/**
 * `pnpm bench:audit-floor [--jobs N] [--batch N] [--concurrency N]`: the floor of the audit delivery on this machine,
 * BullMQ with nothing of OpenDSP: jobs the size of an ITI-18 audit record added with addBulk in batches (as the relay
 * adds them), then taken by a worker whose handler does nothing. It prints the CPU time per job of the adding
 * process, of the worker and of Redis (the same private Redis as bench:audit: append-only file fsynced at every
 * write). Whatever OpenDSP's relay and audit service cost beyond this is theirs to cut; this much is not.
 */
const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    batch: { type: "string", default: "8" },
    concurrency: { type: "string", default: "64" },
  },
});
const JOBS = Number(args.jobs);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const PAYLOAD = JSON.stringify({ record: { eventId: randomUUID(), query: { requestBase64: "A".repeat(2400) }, patientIds: ["123456^^^&1.2.250.1.213.1.4.8&ISO"] } });

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const prefix = "opendsp:floor";
  const connection = { url: redis.url };
  try {
    const variants = [
      { name: "kept completed (count 1000, 24 h)", options: { removeOnComplete: { age: 86_400, count: 1000 }, removeOnFail: false } },
      { name: "removed on completion", options: { removeOnComplete: true, removeOnFail: false } },
    ];
    for (const variant of variants) {
      const name = `floor-${randomUUID().slice(0, 8)}`;
      const queue = new Queue(name, { connection, prefix });
      await queue.waitUntilReady();
      let redisBefore = await redisCpuMs(redis.url);
      let before = cpuMs();
      const start = performance.now();
      for (let i = 0; i < JOBS; i += BATCH) {
        const size = Math.min(BATCH, JOBS - i);
        await queue.addBulk(
          Array.from({ length: size }, () => ({
            name,
            data: { payload: PAYLOAD, addId: randomUUID() },
            opts: { jobId: randomUUID(), attempts: 13, backoff: { type: "exponential", delay: 2000 }, ...variant.options },
          })),
        );
      }
      const addSeconds = (performance.now() - start) / 1000;
      const addCpu = cpuMs() - before;
      const addRedis = (await redisCpuMs(redis.url)) - redisBefore;

      redisBefore = await redisCpuMs(redis.url);
      before = cpuMs();
      let done = 0;
      const finished = Promise.withResolvers<void>();
      const workStart = performance.now();
      const worker = new Worker(
        name,
        async () => {
          if (++done === JOBS) setImmediate(() => finished.resolve());
          return Promise.resolve();
        },
        { connection, prefix, concurrency: CONCURRENCY },
      );
      await finished.promise;
      const workSeconds = (performance.now() - workStart) / 1000;
      const workCpu = cpuMs() - before;
      const workRedis = (await redisCpuMs(redis.url)) - redisBefore;
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      const per = (ms: number): string => `${((ms / JOBS) * 1000).toFixed(0)} µs`;
      console.log(`BullMQ floor, ${variant.name}: ${JOBS} jobs of ${PAYLOAD.length} bytes`);
      console.log(`  addBulk in batches of ${BATCH}: ${(JOBS / addSeconds).toFixed(0)} jobs/s; CPU per job: adder ${per(addCpu)}, Redis ${per(addRedis)}`);
      console.log(`  worker, concurrency ${CONCURRENCY}, empty handler: ${(JOBS / workSeconds).toFixed(0)} jobs/s; CPU per job: worker ${per(workCpu)}, Redis ${per(workRedis)}`);
    }
  } finally {
    await redis.dispose();
  }
}

await main();
