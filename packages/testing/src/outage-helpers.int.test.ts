import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startCuttableTcpProxy } from "./cuttable-tcp-proxy.js";
import { startPrivateRedis } from "./private-redis.js";
import { TEST_POSTGRES_ADMIN_URL } from "./postgres-test-database.js";

describe("outage helpers", () => {
  const disposers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("a private Redis keeps what it stored across stop and start", async () => {
    const redis = await startPrivateRedis();
    disposers.push(() => redis.dispose());
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 100 });
    client.on("error", () => undefined); // refused connections while it is stopped are the point of the test
    disposers.push(() => Promise.resolve(client.disconnect()));
    await client.connect();
    await client.set("kept", "yes");
    await redis.stop();
    await expect(client.get("kept")).rejects.toThrow();
    await redis.start();
    await expect.poll(() => client.get("kept").catch(() => null), { timeout: 10_000 }).toBe("yes");
  });

  it("a cut proxy refuses PostgreSQL connections until it is restored", async () => {
    const admin = new URL(TEST_POSTGRES_ADMIN_URL);
    const proxy = await startCuttableTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
    disposers.push(() => proxy.close());
    const through = new URL(TEST_POSTGRES_ADMIN_URL);
    through.hostname = proxy.host;
    through.port = String(proxy.port);
    const query = async (): Promise<number> => {
      const client = new pg.Client({ connectionString: through.toString(), connectionTimeoutMillis: 2000 });
      client.on("error", () => undefined);
      await client.connect();
      try {
        return (await client.query<{ one: number }>("select 1 as one")).rows[0]?.one ?? 0;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    expect(await query()).toBe(1);
    proxy.cut();
    await expect(query()).rejects.toThrow();
    proxy.restore();
    expect(await query()).toBe(1);
  });
});
