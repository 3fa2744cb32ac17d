import { Command, CommanderError, Option } from "commander";
import { categoriesCommand } from "./commands/categories.command.js";
import { DEFAULT_TIMEOUT_SECONDS, type CommandContext } from "./commands/command-context.js";
import { secondsValue } from "./commands/option-parsers.js";
import { patientCommand } from "./commands/patient.command.js";
import { publishCommand } from "./commands/publish.command.js";
import { queryCommand } from "./commands/query.command.js";
import { retrieveCommand } from "./commands/retrieve.command.js";
import { seedCommand } from "./commands/seed.command.js";
import { tokenCommand } from "./commands/token.command.js";
import { TOKEN_ENV } from "./commands/user-assertion.js";
import { DEFAULT_PLATFORM_URL, ENV } from "./config/endpoints.js";
import { EXIT_CODE } from "./errors/cli-error.js";
import { describeError } from "./errors/describe-error.js";
import type { CliIo } from "./output/cli-io.js";
import { Output } from "./output/output.js";

export const CLI_VERSION = "0.1.0";

const HELP_FOOTER = `
Platform address:
  --url, ${ENV.url}            the platform's public base URL (default ${DEFAULT_PLATFORM_URL}, the gateway)
  ${ENV.registryUrl}   base URL of the registry side (ITI-18, /api/patients), e.g. http://127.0.0.1:8081
  ${ENV.repositoryUrl} base URL of the repository side (ITI-41, ITI-43), e.g. http://127.0.0.1:8082
  --url wins over the environment; each side's variable wins over ${ENV.url}.

User (XUA, ITI-40): the gateway of \`pnpm start\` lets in users with a signed assertion only.
  opendsp token --subject <id> --role <role> [--patient <id>] [--purpose EMERGENCY]
                       mints one with the development identity provider of the data folder
  --token <file>, ${TOKEN_ENV}   the assertion publish, query and retrieve send (XML or base64url;
                       --token - reads it from stdin); --token wins over ${TOKEN_ENV}.

Exit codes:
  0 done, 1 refused or failed by the platform, 2 bad usage, 3 platform unreachable or no answer in time,
  4 a local file could not be read or written, 130 interrupted.`;

/**
 * Runs the opendsp command with `argv` (the arguments after the program name) and returns its exit code. Everything
 * it prints goes through `io`, so tests run it in-process; nothing here exits the process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = new Output(io);
  const ctx: CommandContext = { io, output };
  const program = new Command("opendsp")
    .description(
      "OpenDSP from the command line: publish, query and retrieve documents (IHE XDS.b), feed patients, seed test data, mint development tokens.",
    )
    .version(CLI_VERSION, "-V, --version", "print the version")
    .addOption(new Option("--url <url>", `the platform's base URL (default: $${ENV.url}, else ${DEFAULT_PLATFORM_URL})`))
    .addOption(
      new Option("--timeout <seconds>", "give up on a query after this long, on a transfer after this long without progress")
        .argParser(secondsValue)
        .default(DEFAULT_TIMEOUT_SECONDS),
    )
    .addHelpText("after", HELP_FOOTER)
    .showSuggestionAfterError(true);
  for (const command of [
    publishCommand(ctx),
    queryCommand(ctx),
    retrieveCommand(ctx),
    patientCommand(ctx),
    seedCommand(ctx),
    tokenCommand(ctx),
    categoriesCommand(ctx),
  ]) {
    program.addCommand(command);
  }
  configure(program, io);

  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_CODE.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_CODE.ok;
  } catch (err) {
    output.clearStatus();
    if (io.signal?.aborted === true) {
      output.error("interrupted before the end");
      return EXIT_CODE.interrupted;
    }
    if (err instanceof CommanderError && (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")) {
      return err.exitCode === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    }
    const described = describeError(err);
    const hint = err instanceof CommanderError ? ` (see ${commandPath(program, argv)} --help)` : "";
    output.error(`${described.message}${hint}`);
    if (io.env["OPENDSP_DEBUG"] && err instanceof Error && err.stack) output.info(err.stack);
    return described.exitCode;
  }
}

/** Output to `io`, errors thrown instead of exiting, the same for every subcommand. */
function configure(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are printed once, by runCli, in its one-line form.
      outputError: () => undefined,
    })
    .helpOption("-h, --help", "show help");
  for (const sub of command.commands) configure(sub, io);
}

/** "opendsp publish", "opendsp patient add": the command named in argv, for the hint after a usage error. */
function commandPath(program: Command, argv: readonly string[]): string {
  const words = ["opendsp"];
  let current = program;
  for (const arg of argv) {
    const sub = current.commands.find((c) => c.name() === arg);
    if (!sub) break;
    words.push(arg);
    current = sub;
  }
  return words.join(" ");
}
