import { JobQueueError } from "./job-errors.js";

/**
 * Deletes every Redis key of a queue prefix: its jobs, schedules and dead letter. For retiring an instance's queue
 * and for tests that give each file its own prefix. Only keys under `<prefix>:` go; the prefix must not be empty.
 */
export async function removeJobQueueData(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$/.test(prefix)) throw new JobQueueError("JOB_DEFINITION_INVALID", `queue prefix "${prefix}" is not valid`);
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  let removed = 0;
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) removed += await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return removed;
}
