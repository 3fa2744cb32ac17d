import { Command } from "commander";
import { DEFAULT_CATEGORY, DSP_CATEGORIES } from "../metadata/dsp-categories.js";
import { formatTable } from "../output/table.js";
import type { CommandContext } from "./command-context.js";

export function categoriesCommand(ctx: CommandContext): Command {
  return new Command("categories")
    .summary("list the document categories --class and --type accept")
    .description("Lists the DSP document categories of the default affinity domain: the names --class and --type accept, with their codes.")
    .option("--json", "print the categories as JSON")
    .action((options: { json?: boolean }) => {
      if (options.json) {
        ctx.output.json(DSP_CATEGORIES.map((c) => ({ name: c.name, ...c.code })));
        return;
      }
      const rows = DSP_CATEGORIES.map((c) => [c.name + (c.name === DEFAULT_CATEGORY ? " (default)" : ""), c.code.code, c.code.codingScheme, c.code.displayName]);
      for (const line of formatTable(["NAME", "CODE", "CODING SCHEME", "DISPLAY NAME"], rows)) ctx.output.result(line);
    });
}
