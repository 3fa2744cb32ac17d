import { describe, expect, it } from "vitest";
import { renderProgress } from "./progress-bar.js";
import { runPool } from "./seed.runner.js";

describe("runPool", () => {
  it("runs every task with at most `concurrency` at once", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool(20, 3, undefined, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      done.push(i);
    });
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it("starts nothing new after the first failure and throws it once the running tasks settle", async () => {
    const started: number[] = [];
    const error = new Error("refused");
    await expect(
      runPool(50, 2, undefined, async (i) => {
        started.push(i);
        await new Promise((r) => setImmediate(r));
        if (i === 3) throw error;
      }),
    ).rejects.toBe(error);
    expect(started.length).toBeLessThanOrEqual(6);
  });

  it("stops when interrupted", async () => {
    const controller = new AbortController();
    const reason = new Error("interrupted");
    let count = 0;
    await expect(
      runPool(100, 2, controller.signal, async () => {
        if (++count === 5) controller.abort(reason);
        await new Promise((r) => setImmediate(r));
      }),
    ).rejects.toBe(reason);
    expect(count).toBeLessThan(10);
  });
});

describe("renderProgress", () => {
  it("shows the bar, the percentage, the counts, the rate and the time left", () => {
    const line = renderProgress({ label: "documents", done: 50, total: 200, elapsedMs: 10_000, columns: 80 });
    expect(line).toMatch(/^documents \[(#+)(\.+)\] {2}25% {2}50\/200 {2}5\.0\/s {2}ETA 0:30$/);
    const [, filled = "", empty = ""] = /\[(#+)(\.+)\]/.exec(line) ?? [];
    expect(filled.length / (filled.length + empty.length)).toBeCloseTo(0.25, 1);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(renderProgress({ label: "patients", done: 3, total: 3, elapsedMs: 1000, columns: 80 })).toMatch(/\] 100% {2}3\/3 {2}3\.0\/s$/);
  });
});
