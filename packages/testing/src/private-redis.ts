import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface PrivateRedis {
  /** redis://127.0.0.1:<port>; the same across stop() and start(). */
  readonly url: string;
  readonly port: number;
  /** Stops the server the way an operator does (SHUTDOWN: the append-only file is flushed first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder: what was stored before stop() is there again. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * A Redis server of the test's own (the machine's redis-server binary) on a free port, persisting to an append-only
 * file fsynced at every write as production runs it (docker-compose.yml): a test may stop and restart it to see what
 * survives an outage without touching the Redis the other test files share.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), "opendsp-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child) return;
    const args = ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"];
    const started = spawn("redis-server", args, { stdio: "ignore" });
    child = started;
    started.once("exit", () => {
      if (child === started) child = undefined;
    });
    await waitUntil(() => accepts(port), 10_000, `redis-server did not accept connections on port ${port}`);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    if (!running) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM"); // redis-server answers SIGTERM with a SHUTDOWN that flushes the append-only file
    await exited;
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
