import type { Command } from "commander";
import { resolveEndpoints, type Endpoints } from "../config/endpoints.js";
import type { CliIo } from "../output/cli-io.js";
import type { Output } from "../output/output.js";

/** What every command gets: where to print, and its surroundings. */
export interface CommandContext {
  readonly io: CliIo;
  readonly output: Output;
}

/** The options of the program that apply to every command. */
export interface GlobalSettings {
  readonly endpoints: Endpoints;
  /** Queries and admin calls: the whole exchange. Transfers (publish, retrieve): the longest stall allowed. */
  readonly timeoutMs: number;
  /** Aborted when the user interrupts the command (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_SECONDS = 60;

export function globalSettings(command: Command, io: CliIo): GlobalSettings {
  const opts = command.optsWithGlobals<{ url?: string; timeout?: number }>();
  return {
    endpoints: resolveEndpoints(opts.url, io.env),
    timeoutMs: Math.round((opts.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  };
}
