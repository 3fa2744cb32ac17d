import { readFile, readdir } from "node:fs/promises";
import { cpuTimeMs } from "./service-process.js";

/** CPU time so far (ms) of each PostgreSQL backend serving `database`, by process id. */
export type PostgresCpuSample = ReadonlyMap<number, number>;

/**
 * Samples the CPU time of the PostgreSQL backends connected to `database`, found in /proc by their process title
 * ("postgres: ... <user> <database> <host>(<port>) <state>", Linux). Backends of other databases (other work on a
 * shared machine) are left out, and so are the server's shared helpers (WAL writer, checkpointer).
 */
export async function samplePostgresCpu(database: string): Promise<PostgresCpuSample> {
  const sample = new Map<number, number>();
  const word = ` ${database} `;
  for (const entry of await readdir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const title = await readFile(`/proc/${pid}/cmdline`, "utf8");
      if (!title.startsWith("postgres:") || !title.includes(word)) continue;
      sample.set(pid, await cpuTimeMs(pid));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sample;
}

/** The CPU the backends used between two samples; a backend that started in between counts from zero. */
export function postgresCpuBetween(before: PostgresCpuSample, after: PostgresCpuSample): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
