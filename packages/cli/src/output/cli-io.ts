import process from "node:process";

/** Where the command writes and what it reads from its surroundings; tests pass their own to run it in-process. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Whether stderr is a terminal: progress bars are drawn only there. */
  readonly stderrIsTty: boolean;
  /** Terminal width for the progress bar; 80 when unknown. */
  readonly columns: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative file names are resolved against. */
  readonly cwd: string;
  /** Aborted when the user interrupts the command: transfers stop and clean up (no half-written file). */
  readonly signal?: AbortSignal;
  /** Standard input, for `--token -`. */
  readonly stdin?: AsyncIterable<Buffer | string>;
}

export interface TextSink {
  write(text: string): unknown;
}

/**
 * The real process. Run as the workspace script (`pnpm opendsp ...`) the process starts in the workspace root, so
 * file names given by the user are resolved against the directory the user typed the command in (INIT_CWD).
 */
export function processIo(): CliIo {
  const env = process.env;
  const cwd = userCwd(env, process.cwd());
  // A reader that stops early (`opendsp query ... | head`) closes the pipe: that ends the command quietly, as
  // Unix tools do, instead of an unhandled EPIPE.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  // The first Ctrl-C lets the command stop cleanly; a second one ends the process at once.
  const interrupt = new AbortController();
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => {
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort(new Error(`interrupted (${name})`));
    });
  }
  return {
    signal: interrupt.signal,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTty: process.stderr.isTTY,
    columns: process.stderr.columns > 0 ? process.stderr.columns : 80,
    env,
    cwd,
  };
}

/** The user's directory: INIT_CWD when run as the workspace's `opendsp` script (which starts in the root). */
export function userCwd(env: Readonly<Record<string, string | undefined>>, processCwd: string): string {
  const initCwd = env["INIT_CWD"];
  return env["npm_lifecycle_event"] === "opendsp" && initCwd ? initCwd : processCwd;
}
