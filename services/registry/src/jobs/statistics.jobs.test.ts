import { describe, expect, it } from "vitest";
import { statisticsWindow } from "./statistics.jobs.js";

describe("statisticsWindow", () => {
  it("gives registrations of one window the same job, run when the window ends", () => {
    const start = 1_765_000_000_000 - (1_765_000_000_000 % 30_000);
    const first = statisticsWindow(start + 1, 30_000);
    const last = statisticsWindow(start + 29_999, 30_000);
    expect(last.jobId).toBe(first.jobId);
    expect(first.delayMs).toBe(29_999);
    expect(last.delayMs).toBe(1);
  });

  it("starts a new job with the next window, and keeps windows of another length apart", () => {
    const start = 1_765_000_000_000 - (1_765_000_000_000 % 30_000);
    expect(statisticsWindow(start + 30_000, 30_000).jobId).not.toBe(statisticsWindow(start + 29_999, 30_000).jobId);
    expect(statisticsWindow(start + 30_000, 30_000).delayMs).toBe(30_000);
    expect(statisticsWindow(start, 30_000).jobId).not.toBe(statisticsWindow(start, 60_000).jobId);
    // Job ids allow letters, digits and . _ - ~ only.
    expect(statisticsWindow(start, 30_000).jobId).toMatch(/^[A-Za-z0-9._~-]+$/);
  });
});
