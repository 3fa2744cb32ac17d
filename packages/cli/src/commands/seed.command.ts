import { Command } from "commander";
import { randomInt } from "node:crypto";
import { CliError } from "../errors/cli-error.js";
import type { DtmInput } from "../metadata/hl7-dtm.js";
import { formatTable } from "../output/table.js";
import { runSeed, type SeedSummary } from "../seed/seed.runner.js";
import { MAX_SEED_PATIENTS } from "../seed/synthetic-people.js";
import { SEED_YEARS } from "../seed/synthetic-document.js";
import { globalSettings, type CommandContext } from "./command-context.js";
import { dateValue, nonNegativeInteger, positiveInteger } from "./option-parsers.js";

interface SeedOptions {
  patients: number;
  documents: number;
  concurrency: number;
  seed?: number;
  until?: DtmInput;
  json?: boolean;
}

export function seedCommand(ctx: CommandContext): Command {
  return new Command("seed")
    .summary("load synthetic patients and documents through the real transactions")
    .description(
      "Loads a synthetic data set: patients through the admin API, then documents, each its own ITI-41 submission, " +
        "in the DSP's mix (lab results, imaging reports, discharge letters, prescriptions, emergency summaries, " +
        "vaccination, certificates, patient notes, ...), by professionals of varied roles and institutions, dated " +
        `over the ${SEED_YEARS} years before --until. The same --seed and --until always give the same data; loading them ` +
        "twice is harmless (documents already there are counted, not sent again). Progress on stderr (terminals only), " +
        "summary on stdout.",
    )
    .requiredOption("--patients <n>", `number of patients (at most ${MAX_SEED_PATIENTS})`, positiveInteger)
    .requiredOption("--documents <n>", "number of documents, spread over the patients", nonNegativeInteger)
    .option("--concurrency <k>", "requests under way at once", positiveInteger, 4)
    .option("--seed <n>", "seed of the data set (default: a random one, printed in the summary)", nonNegativeInteger)
    .option("--until <date>", "the last day documents are dated (default: today, UTC)", dateValue)
    .option("--json", "print the summary as JSON")
    .action(async (options: SeedOptions, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      if (options.patients > MAX_SEED_PATIENTS) throw new CliError("usage", `--patients is at most ${MAX_SEED_PATIENTS}`);
      if (options.concurrency > 64) throw new CliError("usage", "--concurrency is at most 64");
      if (options.seed !== undefined && options.seed > 0xffffffff) throw new CliError("usage", "--seed is at most 4294967295");
      const until = options.until ? dayOf(options.until.dtm) : today();
      const seed = options.seed ?? randomInt(1, 2 ** 31);
      const summary = await runSeed(
        { seed, until, patients: options.patients, documents: options.documents, concurrency: options.concurrency },
        settings,
        ctx.output,
      );
      if (options.json) ctx.output.json(summary);
      else for (const line of summaryLines(summary)) ctx.output.result(line);
    });
}

export function summaryLines(s: SeedSummary): string[] {
  const categories = Object.entries(s.byCategory).sort((a, b) => b[1] - a[1]);
  return [
    `seed ${s.seed}, documents dated up to ${s.until} (replay: --seed ${s.seed} --until ${s.until})`,
    `patients:  ${s.patients.total} (${s.patients.added} added, ${s.patients.alreadyKnown} already known)`,
    `documents: ${s.documents.total} (${s.documents.published} published, ${s.documents.alreadyPresent} already present)`,
    `elapsed:   ${(s.elapsedMs / 1000).toFixed(1)} s, ${s.documentsPerSecond.toFixed(1)} documents/s`,
    ...(categories.length > 0 ? ["by category:", ...formatTable(["  CATEGORY", "DOCUMENTS"], categories.map(([name, n]) => [`  ${name}`, String(n)]))] : []),
  ];
}

/** The day of a DTM (any precision from a day down) at 23:59:59 UTC, so documents of that day are included. */
function dayOf(dtm: string): Date {
  const d = dtm.padEnd(8, "01");
  return new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)), 23, 59, 59));
}

function today(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 23, 59, 59));
}
