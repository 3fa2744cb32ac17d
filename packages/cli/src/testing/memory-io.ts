import { Readable } from "node:stream";
import type { CliIo } from "../output/cli-io.js";

export interface MemoryIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** A CliIo that keeps what the command prints, for running it in-process in tests. */
export function memoryIo(
  options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; signal?: AbortSignal; stdin?: string } = {},
): MemoryIo {
  let out = "";
  let err = "";
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stderrIsTty: options.tty ?? false,
      columns: 100,
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.stdin === undefined ? {} : { stdin: Readable.from([options.stdin]) }),
    },
    stdout: () => out,
    stderr: () => err,
  };
}
