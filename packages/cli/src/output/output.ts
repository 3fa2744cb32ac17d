import type { CliIo } from "./cli-io.js";

/**
 * The one place the command prints: results on stdout (what a script pipes on), messages on stderr. Nothing else
 * in the command writes to the terminal. Document content is never printed, only its metadata.
 */
export class Output {
  private readonly io: CliIo;
  private statusLine = false;

  constructor(io: CliIo) {
    this.io = io;
  }

  /** A line of the command's result, on stdout. */
  result(line: string): void {
    this.clearStatus();
    this.io.stdout.write(`${line}\n`);
  }

  /** A result as JSON, on stdout. */
  json(value: unknown): void {
    this.result(JSON.stringify(value, null, 2));
  }

  /** A message about what happens, on stderr. */
  info(message: string): void {
    this.clearStatus();
    this.io.stderr.write(`${message}\n`);
  }

  warning(message: string): void {
    this.info(`opendsp: warning: ${message}`);
  }

  /** The one-line message of a failure, on stderr. */
  error(message: string): void {
    this.info(`opendsp: ${message}`);
  }

  /** Whether a live status line (progress bar) can be drawn: only on a terminal. */
  get canDrawStatus(): boolean {
    return this.io.stderrIsTty;
  }

  get columns(): number {
    return this.io.columns;
  }

  /** Redraws the status line in place (terminals only; ignored elsewhere). */
  status(line: string): void {
    if (!this.io.stderrIsTty) return;
    this.io.stderr.write(`\r\x1b[2K${line}`);
    this.statusLine = true;
  }

  clearStatus(): void {
    if (!this.statusLine) return;
    this.io.stderr.write("\r\x1b[2K");
    this.statusLine = false;
  }
}
