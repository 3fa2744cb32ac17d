import type { Output } from "../output/output.js";

/**
 * A progress bar on stderr, redrawn in place at most ten times a second, only on a terminal (a log file or a pipe
 * gets the final summary alone).
 */
export class ProgressBar {
  private readonly output: Output;
  private readonly label: string;
  private readonly total: number;
  private done = 0;
  private lastDraw = 0;
  private readonly started = performance.now();

  constructor(output: Output, label: string, total: number) {
    this.output = output;
    this.label = label;
    this.total = total;
    this.draw(true);
  }

  tick(count = 1): void {
    this.done += count;
    this.draw(this.done === this.total);
  }

  finish(): void {
    this.output.clearStatus();
  }

  private draw(force: boolean): void {
    if (!this.output.canDrawStatus) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.output.status(renderProgress({ label: this.label, done: this.done, total: this.total, elapsedMs: now - this.started, columns: this.output.columns }));
  }
}

/** "documents [#####.....]  52%  520/1000  41.3/s  ETA 0:12", fitted to the terminal width. */
export function renderProgress(p: { label: string; done: number; total: number; elapsedMs: number; columns: number }): string {
  const fraction = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const eta = rate > 0 && p.done < p.total ? `  ETA ${clock((p.total - p.done) / rate)}` : "";
  const tail = `${String(Math.floor(fraction * 100)).padStart(3)}%  ${p.done}/${p.total}  ${rate.toFixed(1)}/s${eta}`;
  const barWidth = Math.max(10, Math.min(40, p.columns - p.label.length - tail.length - 6));
  const filled = Math.round(fraction * barWidth);
  return `${p.label} [${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${tail}`;
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
