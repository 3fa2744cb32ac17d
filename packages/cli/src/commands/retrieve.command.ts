import { Command } from "commander";
import { resolve } from "node:path";
import { CliError } from "../errors/cli-error.js";
import { getDocumentsByUniqueId } from "../transport/iti-18-stored-query.call.js";
import { retrieveToFile } from "../transport/iti-43-retrieve.call.js";
import { globalSettings, type CommandContext } from "./command-context.js";
import { documentUniqueIdValue, nonEmptyText, oidValue } from "./option-parsers.js";
import { TOKEN_OPTION_HELP, userAssertion } from "./user-assertion.js";

interface RetrieveOptions {
  output: string;
  repositoryId?: string;
  json?: boolean;
  token?: string;
}

export function retrieveCommand(ctx: CommandContext): Command {
  return new Command("retrieve")
    .summary("download a document (ITI-43 Retrieve Document Set)")
    .description(
      "Downloads the document <uniqueId> with ITI-43 Retrieve Document Set into a file. Without --repository-id the " +
        "registry is asked first (ITI-18 GetDocuments) where the document is, and the bytes received are checked " +
        "against its hash and size. The file appears only once complete: a failed retrieve leaves nothing behind.",
    )
    .argument("<uniqueId>", "the document's uniqueId", documentUniqueIdValue)
    .requiredOption("-o, --output <file>", "where to write the document (replaced if it exists)", nonEmptyText)
    .option("--repository-id <oid>", "the repositoryUniqueId holding the document (skips the registry lookup)", oidValue)
    .option("--token <file>", TOKEN_OPTION_HELP)
    .option("--json", "print the result as JSON")
    .action(async (uniqueId: string, options: RetrieveOptions, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      const assertion = await userAssertion(options.token, ctx.io);
      const outputPath = resolve(ctx.io.cwd, options.output);
      let repositoryUniqueId = options.repositoryId;
      let homeCommunityId: string | undefined;
      let expected: { sha1?: string; size?: number } | undefined;
      if (repositoryUniqueId === undefined) {
        const { documentEntries } = await getDocumentsByUniqueId(settings.endpoints.registrySoapUrl, [uniqueId], settings.timeoutMs, settings.signal, assertion);
        const entry = documentEntries.find((e) => e.uniqueId === uniqueId);
        if (!entry) throw new CliError("refused", `the registry knows no document with uniqueId ${uniqueId}`);
        if (!entry.repositoryUniqueId) throw new CliError("refused", `the registry's entry of ${uniqueId} names no repositoryUniqueId`);
        repositoryUniqueId = entry.repositoryUniqueId;
        homeCommunityId = entry.homeCommunityId;
        expected = {
          ...(entry.hash === undefined ? {} : { sha1: entry.hash }),
          ...(entry.size === undefined || !/^\d+$/.test(entry.size) ? {} : { size: Number(entry.size) }),
        };
      }
      const document = await retrieveToFile({
        repositoryUrl: settings.endpoints.repositorySoapUrl,
        repositoryUniqueId,
        documentUniqueId: uniqueId,
        ...(homeCommunityId === undefined ? {} : { homeCommunityId }),
        outputPath,
        outputName: options.output,
        idleTimeoutMs: settings.timeoutMs,
        ...(expected === undefined ? {} : { expected }),
        ...(settings.signal === undefined ? {} : { signal: settings.signal }),
        ...(assertion === undefined ? {} : { assertion }),
      });
      if (options.json) {
        ctx.output.json({ uniqueId, repositoryUniqueId, file: outputPath, size: document.size, sha1: document.sha1, mimeType: document.mimeType });
        return;
      }
      ctx.output.result(`wrote ${options.output} (${document.size} bytes, ${document.mimeType || "no MIME type"}, SHA-1 ${document.sha1})`);
    });
}
