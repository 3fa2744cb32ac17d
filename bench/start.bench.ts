import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

/**
 * `pnpm bench:start [--runs N]`: the time from spawning the start command (what `pnpm start` runs, without pnpm's own
 * start-up) to every endpoint of the embedded platform answering healthy (the gateway's /health, which asks the
 * registry and the repository, their own /health, and the MLLP port taking a connection), cold (an empty data
 * folder: the embedded databases are created) and warm (the same folder again). Also the time a SIGTERM takes to stop
 * it. Target: < 10 s cold and warm. The machine's load is printed beside: the figures are only as quiet as it is.
 */
const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(args.runs);
const REPO_ROOT = join(import.meta.dirname, "..");
const START_COMMAND = [process.execPath, "--import", "tsx", "services/launcher/src/main.ts"] as const;
const TARGET_MS = 10_000;
const GIVE_UP_MS = 180_000;

interface Run {
  readonly kind: "cold" | "warm";
  readonly healthyMs: number;
  /** What the platform printed as its own time to ready (from its process's start). */
  readonly reportedMs: number | undefined;
  readonly stopMs: number;
  /** CPU time the platform's process used until healthy (user + system): what the start costs on an idle machine. */
  readonly cpuMs: number | undefined;
}

/** User + system CPU time of a process so far, from /proc (Linux; clock ticks of 10 ms). */
async function cpuTimeMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).replace(/^.*\) /s, "").split(" ");
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 of proc(5).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Ports free right now (bound then released), so the platform starts on fixed ports as it does by default. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function runOnce(kind: Run["kind"], dataDir: string): Promise<Run> {
  const [gateway, registry, repository, consent, audit, mllp] = (await freePorts(6)) as [number, number, number, number, number, number];
  const started = performance.now();
  const child: ChildProcess = spawn(START_COMMAND[0], START_COMMAND.slice(1), {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      OPENDSP_DATA_DIR: dataDir,
      GATEWAY_PORT: String(gateway),
      REGISTRY_PORT: String(registry),
      REPOSITORY_PORT: String(repository),
      CONSENT_PORT: String(consent),
      AUDIT_PORT: String(audit),
      HL7_MLLP_PORT: String(mllp),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  const checks = [
    () => healthy(`http://127.0.0.1:${gateway}/health`),
    () => healthy(`http://127.0.0.1:${registry}/health`),
    () => healthy(`http://127.0.0.1:${repository}/health`),
    () => healthy(`http://127.0.0.1:${consent}/health`),
    () => healthy(`http://127.0.0.1:${audit}/health`),
    () => accepts(mllp),
  ];
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the start command exited with ${child.exitCode}: ${err}`);
    if (performance.now() - started > GIVE_UP_MS) {
      child.kill("SIGKILL");
      throw new Error(`not healthy after ${GIVE_UP_MS} ms: ${err}`);
    }
    if ((await Promise.all(checks.map((c) => c()))).every(Boolean)) break;
    await sleep(25);
  }
  const healthyMs = performance.now() - started;
  const cpuMs = await cpuTimeMs(child.pid);
  const reported = /OpenDSP is ready \(([\d.]+) s\)/.exec(out)?.[1];

  const stopping = performance.now();
  child.kill("SIGTERM");
  const code = await exited;
  if (code !== 0) throw new Error(`the platform stopped with status ${String(code)}: ${err}`);
  return { kind, healthyMs, reportedMs: reported === undefined ? undefined : Number(reported) * 1000, stopMs: performance.now() - stopping, cpuMs };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

console.log(`start benchmark: ${RUNS} cold and ${RUNS} warm runs of \`${START_COMMAND.slice(1).join(" ")}\`; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const runs: Run[] = [];
const folders: string[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), "opendsp-bench-start-"));
    folders.push(dataDir);
    runs.push(await runOnce("cold", dataDir));
    console.log(`  cold ${i + 1}: healthy ${seconds(runs.at(-1)?.healthyMs ?? 0)}`);
  }
  const warmDir = folders.at(-1) ?? "";
  for (let i = 0; i < RUNS; i++) {
    runs.push(await runOnce("warm", warmDir));
    console.log(`  warm ${i + 1}: healthy ${seconds(runs.at(-1)?.healthyMs ?? 0)}`);
  }
} finally {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
}

console.log("");
console.log("run   spawn->healthy  printed ready  CPU to healthy  stop (SIGTERM)");
const optional = (ms: number | undefined): string => (ms === undefined ? "-" : seconds(ms));
for (const r of runs) {
  console.log(`${r.kind.padEnd(5)} ${seconds(r.healthyMs).padStart(14)} ${optional(r.reportedMs).padStart(14)} ${optional(r.cpuMs).padStart(15)} ${seconds(r.stopMs).padStart(15)}`);
}
for (const kind of ["cold", "warm"] as const) {
  const of = runs.filter((r) => r.kind === kind).map((r) => r.healthyMs);
  const m = median(of);
  console.log(`${kind}: median ${seconds(m)}, best ${seconds(Math.min(...of))}, worst ${seconds(Math.max(...of))} (target < ${seconds(TARGET_MS)}: ${m < TARGET_MS ? "met" : "NOT met"})`);
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
