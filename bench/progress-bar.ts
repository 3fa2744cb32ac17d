/** A one-line progress bar on stderr (redrawn at most every 200 ms) for long benchmark loads. */
export function progressBar(label: string, total: number): { tick(n: number): void; done(): void } {
  let current = 0;
  let last = 0;
  const started = performance.now();
  const draw = (): void => {
    const ratio = total === 0 ? 1 : current / total;
    const width = 30;
    const filled = Math.round(ratio * width);
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? current / elapsed : 0;
    process.stderr.write(
      `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(ratio * 100).toFixed(1)}% ${current.toLocaleString("en")}/${total.toLocaleString("en")} ${rate.toFixed(0)}/s`,
    );
  };
  return {
    tick(n: number): void {
      current += n;
      const now = performance.now();
      if (now - last > 200) {
        last = now;
        draw();
      }
    },
    done(): void {
      current = total;
      draw();
      process.stderr.write("\n");
    },
  };
}
