import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

export interface ServiceProcess {
  /** The service's SOAP endpoint, from its "listening" log line; for a service without one (consent), its API's URL. */
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
      const m = /"(?:soap|api)":"([^"]+)"/.exec(out);
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

/** Linux counts process CPU time in clock ticks of 10 ms (USER_HZ = 100 on every mainstream architecture). */
const CLOCK_TICK_MS = 10;

/**
 * The CPU time (user + system) a process has used so far in ms, from /proc/<pid>/stat (Linux). Differences around
 * a run give the CPU it cost, which unlike throughput does not change with what else runs on the machine.
 */
export async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: fields are counted from its closing one.
  // utime and stime are fields 14 and 15 of proc(5), so the 12th and 13th after the name.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no CPU times in /proc/${pid}/stat`);
  return (utime + stime) * CLOCK_TICK_MS;
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
