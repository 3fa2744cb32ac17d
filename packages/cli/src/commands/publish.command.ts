import { type Author, type Code } from "@opendsp/ebxml";
import { newContentId } from "@opendsp/soap";
import { Command, Option } from "commander";
import { open, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { CliError } from "../errors/cli-error.js";
import { fsReason } from "../errors/fs-reason.js";
import { authorFromInput } from "../metadata/author-input.js";
import { CONFIDENTIALITY, FORMAT_MIME_TYPE_SUFFICIENT } from "../metadata/code-systems.js";
import { buildDocumentSubmission } from "../metadata/document-submission.builder.js";
import { DEFAULT_CATEGORY, categoryByName, type DspCategory } from "../metadata/dsp-categories.js";
import { dtmOf } from "../metadata/hl7-dtm.js";
import { guessMimeType } from "../metadata/mime-types.js";
import { CLI_SOURCE_ID, newEntryUuid, uuidOid } from "../metadata/unique-ids.js";
import { provideAndRegister } from "../transport/iti-41-provide-and-register.call.js";
import { globalSettings, type CommandContext } from "./command-context.js";
import { TOKEN_OPTION_HELP, userAssertion } from "./user-assertion.js";
import {
  birthDateValue,
  codeValue,
  confidentialityValue,
  languageValue,
  mimeTypeValue,
  nonEmptyText,
  oidValue,
  patientIdValue,
  sexValue,
  type CodeOptionValue,
} from "./option-parsers.js";

interface PublishOptions {
  patient: string;
  class?: CodeOptionValue;
  type?: CodeOptionValue;
  title?: string;
  mimeType?: string;
  author?: string;
  authorInstitution?: string;
  authorRole?: string;
  confidentiality?: Code;
  language: string;
  repositoryId?: string;
  family?: string;
  given?: string;
  birthDate?: string;
  sex?: string;
  json?: boolean;
  quiet?: boolean;
  token?: string;
}

export const DEFAULT_LANGUAGE = "fr-LU";

export function publishCommand(ctx: CommandContext): Command {
  return new Command("publish")
    .summary("publish a document for a patient (ITI-41 Provide and Register)")
    .description(
      "Publishes <file> for a patient with ITI-41 Provide and Register Document Set-b: a DocumentEntry, a SubmissionSet " +
        "and their HasMember association, coded as the default affinity domain expects, and the file as an MTOM " +
        "attachment streamed from disk. Prints the document's uniqueId and entryUUID and the submission set's uniqueId.",
    )
    .argument("<file>", "the document to publish")
    .requiredOption("--patient <id>", "patient id in CX form id^^^&OID&ISO (quote it in the shell)", patientIdValue)
    .option("--class <category|code>", `document category: a name (lab-result, imaging-report, discharge-letter, ...; see \`opendsp categories\`), a code of that list, or code^^codingScheme (default: ${DEFAULT_CATEGORY})`, codeValue)
    .option("--type <category|code>", "document type, same forms as --class (default: the class)", codeValue)
    .option("--title <text>", "title of the document (default: the file name without extension)", nonEmptyText)
    .option("--mime-type <type>", "MIME type (default: from the file extension, application/octet-stream when unknown)", mimeTypeValue)
    .option("--author <name>", 'author: a name ("Dr Jean Weber") or an HL7 XCN (2045^Weber^Jean^^^Dr^^^&OID&ISO)', nonEmptyText)
    .option("--author-institution <name>", "the author's institution (name or HL7 XON)", nonEmptyText)
    .option("--author-role <role>", "the author's role", nonEmptyText)
    .addOption(new Option("--confidentiality <code>", "confidentiality: N, R, V, L, M, U or normal, restricted, very-restricted (default: N)").argParser(confidentialityValue))
    .option("--language <tag>", "language of the document, RFC 5646", languageValue, DEFAULT_LANGUAGE)
    .option("--repository-id <oid>", "the repositoryUniqueId the document must go to (default: the repository's own)", oidValue)
    .option("--family <name>", "patient family name, sent as sourcePatientInfo PID-5", nonEmptyText)
    .option("--given <name>", "patient given name, sent as sourcePatientInfo PID-5", nonEmptyText)
    .option("--birth-date <date>", "patient birth date (1985-03-24), sent as sourcePatientInfo PID-7", birthDateValue)
    .option("--sex <F|M|O|U>", "patient administrative sex, sent as sourcePatientInfo PID-8", sexValue)
    .option("--token <file>", TOKEN_OPTION_HELP)
    .option("--json", "print the result as JSON")
    .option("-q, --quiet", "print only the document uniqueId (for scripts: DOC=$(opendsp publish ... -q))")
    .action(async (file: string, options: PublishOptions, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      const assertion = await userAssertion(options.token, ctx.io);
      const path = resolve(ctx.io.cwd, file);
      const size = await readableFileSize(path, file);
      const defaultCategory = categoryByName(DEFAULT_CATEGORY) as DspCategory;
      const classChoice = options.class ?? { code: defaultCategory.code, category: defaultCategory };
      const classCode = classChoice.code;
      const typeCode = options.type?.code ?? classCode;
      // Facility type and practice setting follow the category; a code outside the DSP list gets the default's.
      const defaults = classChoice.category ?? options.type?.category ?? defaultCategory;
      const mimeType = options.mimeType ?? guessMimeType(path);
      const authors: Author[] = options.author
        ? [
            authorFromInput(options.author, {
              ...(options.authorInstitution === undefined ? {} : { institution: options.authorInstitution }),
              ...(options.authorRole === undefined ? {} : { role: options.authorRole }),
            }),
          ]
        : [];
      if (!options.author && (options.authorInstitution || options.authorRole)) {
        throw new CliError("usage", "--author-institution and --author-role describe an author: give --author too");
      }
      const ids = {
        documentUniqueId: uuidOid(),
        submissionSetUniqueId: uuidOid(),
        entryUuid: newEntryUuid(),
        submissionSetUuid: newEntryUuid(),
        associationUuid: newEntryUuid(),
      };
      const contentId = newContentId("opendsp-cli");
      const now = dtmOf(new Date());
      const submission = buildDocumentSubmission({
        patientId: options.patient,
        sourcePatientInfo: sourcePatientInfo(options),
        classCode,
        typeCode,
        formatCode: FORMAT_MIME_TYPE_SUFFICIENT,
        facilityType: defaults.facilityType,
        practiceSetting: defaults.practiceSetting,
        confidentiality: [options.confidentiality ?? (CONFIDENTIALITY[0] as Code)],
        mimeType,
        title: options.title ?? (basename(file, extname(file)) || basename(file)),
        languageCode: options.language,
        creationTime: now,
        authors,
        ...(options.repositoryId === undefined ? {} : { repositoryUniqueId: options.repositoryId }),
        ids,
        submissionTime: now,
        sourceId: CLI_SOURCE_ID,
        contentId,
      });
      const { warnings } = await provideAndRegister({
        repositoryUrl: settings.endpoints.repositorySoapUrl,
        request: submission.request,
        attachments: [{ contentId, contentType: mimeType, body: () => openForReading(path, file) }],
        idleTimeoutMs: settings.timeoutMs,
        ...(settings.signal === undefined ? {} : { signal: settings.signal }),
        ...(assertion === undefined ? {} : { assertion }),
      });
      for (const w of warnings) ctx.output.warning(`${w.errorCode}: ${w.codeContext}`);
      const result = {
        documentUniqueId: ids.documentUniqueId,
        entryUuid: ids.entryUuid,
        submissionSetUniqueId: ids.submissionSetUniqueId,
        mimeType,
        size,
      };
      if (options.json) {
        ctx.output.json(result);
        return;
      }
      if (options.quiet) {
        ctx.output.result(result.documentUniqueId);
        return;
      }
      ctx.output.info(`published ${file} (${size} bytes, ${mimeType}) for the patient`);
      ctx.output.result(`document uniqueId:       ${result.documentUniqueId}`);
      ctx.output.result(`document entryUUID:      ${result.entryUuid}`);
      ctx.output.result(`submission set uniqueId: ${result.submissionSetUniqueId}`);
    });
}

/** sourcePatientInfo lines (ITI TF-3 4.2.3.2.23): PID-3 always, the demographics given. */
function sourcePatientInfo(options: PublishOptions): string[] {
  const lines = [`PID-3|${options.patient}`];
  if (options.family !== undefined || options.given !== undefined) lines.push(`PID-5|${options.family ?? ""}^${options.given ?? ""}^^^`);
  if (options.birthDate !== undefined) lines.push(`PID-7|${options.birthDate}`);
  if (options.sex !== undefined) lines.push(`PID-8|${options.sex}`);
  return lines;
}

async function readableFileSize(path: string, shown: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError("file", `cannot read ${shown}: not a regular file`);
    const handle = await open(path, "r");
    await handle.close();
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError("file", `cannot read ${shown}: ${fsReason(err)}`, { cause: err });
  }
}

async function openForReading(path: string, shown: string) {
  try {
    const handle = await open(path, "r");
    return handle.createReadStream();
  } catch (err) {
    throw new CliError("file", `cannot read ${shown}: ${fsReason(err)}`, { cause: err });
  }
}
