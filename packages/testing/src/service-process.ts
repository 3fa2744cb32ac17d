import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

export interface ServiceProcess {
  /** The service's SOAP endpoint, from its "listening" log line. */
  readonly soapUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a service as its own process, as production runs it (services talk over HTTP, never by import), with
 * `env` on top of the caller's environment and info logs (the "listening" line carries the SOAP URL). `nodeFlags`
 * are the Node options the service's image command line gives it (deploy/docker/Dockerfile). Fails with the
 * service's last stderr when it exits, or after `startTimeoutMs` without listening.
 */
export async function startServiceProcess(
  entry: string,
  env: Readonly<Record<string, string>>,
  startTimeoutMs = 60_000,
  nodeFlags: readonly string[] = [],
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const soapUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`${entry} did not listen within ${startTimeoutMs} ms: ${stderr}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /"soap":"([^"]+)"/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        // Keep reading its log lines (one per request) so the pipe never fills and stalls it.
        child.stdout.resume();
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${String(code)} before listening: ${stderr}`));
    });
  });
  if (child.pid === undefined) throw new Error(`${entry} has no pid`);
  return {
    soapUrl,
    pid: child.pid,
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The resident set size of a process in bytes, from /proc/<pid>/status (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; reports the first sample and the peak. */
export function sampleResidentMemory(pid: number, everyMs = 50): { stop(): Promise<{ first: number; peak: number; samples: number }> } {
  let first: number | undefined;
  let peak = 0;
  let samples = 0;
  let pending: Promise<void> = Promise.resolve();
  const take = (): void => {
    pending = residentBytes(pid).then(
      (rss) => {
        first ??= rss;
        peak = Math.max(peak, rss);
        samples++;
      },
      () => undefined,
    );
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      take();
      await pending;
      return { first: first ?? peak, peak, samples };
    },
  };
}
