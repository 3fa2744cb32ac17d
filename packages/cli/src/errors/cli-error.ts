/**
 * Exit codes of the command, stable for scripts:
 * 0 done; 1 the platform refused or failed the request (SOAP Fault, RegistryResponse Failure, problem+json,
 * an answer that is not what the transaction defines); 2 bad usage (unknown option, bad argument);
 * 3 the platform could not be reached or did not answer in time; 4 a local file could not be read or written;
 * 130 interrupted (Ctrl-C), as shells report a process ended by SIGINT.
 */
export const EXIT_CODE = {
  ok: 0,
  refused: 1,
  usage: 2,
  unreachable: 3,
  file: 4,
  interrupted: 130,
} as const;

export type CliErrorKind = Exclude<keyof typeof EXIT_CODE, "ok">;

/** A failure already phrased for the user: one line, with the exit code that goes with its kind. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly kind: CliErrorKind;

  constructor(kind: CliErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }

  get exitCode(): number {
    return EXIT_CODE[this.kind];
  }
}

export function usageError(message: string): CliError {
  return new CliError("usage", message);
}
