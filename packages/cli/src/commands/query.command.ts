import { OBJECT_STATUS, STORED_QUERY, type Code, type DocumentEntry, type Slot } from "@opendsp/ebxml";
import { Command, Option } from "commander";
import { personName } from "../metadata/author-input.js";
import { categoryOfCode } from "../metadata/dsp-categories.js";
import { formatDtm, type DtmInput } from "../metadata/hl7-dtm.js";
import { formatTable } from "../output/table.js";
import { quoted, quotedList, storedQuery } from "../transport/iti-18-stored-query.call.js";
import { globalSettings, type CommandContext } from "./command-context.js";
import { collectCodes, dateValue, patientIdValue, type CodeOptionValue } from "./option-parsers.js";
import { TOKEN_OPTION_HELP, userAssertion } from "./user-assertion.js";

type StatusChoice = "approved" | "deprecated" | "all";

interface QueryOptions {
  patient: string;
  class?: CodeOptionValue[];
  type?: CodeOptionValue[];
  status: StatusChoice;
  from?: DtmInput;
  to?: DtmInput;
  json?: boolean;
  token?: string;
}

export function queryCommand(ctx: CommandContext): Command {
  return new Command("query")
    .summary("list a patient's documents (ITI-18 FindDocuments)")
    .description(
      "Lists a patient's documents with the ITI-18 FindDocuments stored query (LeafClass): uniqueId, title, class, " +
        "type, creation time, size, MIME type and repositoryUniqueId, as a table or as JSON.",
    )
    .requiredOption("--patient <id>", "patient id in CX form id^^^&OID&ISO (quote it in the shell)", patientIdValue)
    .option("--class <category|code>", "only documents of this class; repeat for several (category name, code, or code^^codingScheme)", collectCodes)
    .option("--type <category|code>", "only documents of this type; repeat for several", collectCodes)
    .addOption(new Option("--status <status>", "availability status").choices(["approved", "deprecated", "all"]).default("approved"))
    .option("--from <date>", "created on or after this date (2024-03-15, 2024-03, 2024; UTC)", dateValue)
    .option("--to <date>", "created on or before this date, the whole day, month or year given (UTC)", dateValue)
    .option("--token <file>", TOKEN_OPTION_HELP)
    .option("--json", "print the documents as JSON")
    .action(async (options: QueryOptions, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      const assertion = await userAssertion(options.token, ctx.io);
      const { documentEntries, warnings } = await storedQuery(
        settings.endpoints.registrySoapUrl,
        STORED_QUERY.findDocuments,
        findDocumentsSlots(options),
        settings.timeoutMs,
        settings.signal,
        assertion,
      );
      for (const w of warnings) ctx.output.warning(`${w.errorCode}: ${w.codeContext}`);
      const entries = [...documentEntries].sort((a, b) => (b.creationTime ?? "").localeCompare(a.creationTime ?? ""));
      if (options.json) {
        ctx.output.json(entries.map(documentJson));
        return;
      }
      if (entries.length === 0) {
        ctx.output.info("no documents found");
        return;
      }
      const rows = entries.map((e) => [
        e.uniqueId ?? "",
        e.title?.value ?? "",
        codeLabel(e.classCode),
        codeLabel(e.typeCode),
        formatDtm(e.creationTime),
        e.size ?? "",
        e.mimeType ?? "",
        e.repositoryUniqueId ?? "",
        ...(options.status === "all" ? [statusLabel(e.availabilityStatus)] : []),
      ]);
      const headers = ["UNIQUE ID", "TITLE", "CLASS", "TYPE", "CREATED (UTC)", "SIZE", "MIME TYPE", "REPOSITORY", ...(options.status === "all" ? ["STATUS"] : [])];
      for (const line of formatTable(headers, rows, [undefined, 40, 24, 24])) ctx.output.result(line);
      ctx.output.info(`${entries.length} document${entries.length === 1 ? "" : "s"}`);
    });
}

/** FindDocuments parameters (ITI TF-2a 3.18.4.1.2.3.7.1); a time range is From <= creationTime < To. */
export function findDocumentsSlots(options: Pick<QueryOptions, "patient" | "class" | "type" | "status" | "from" | "to">): Slot[] {
  const statuses =
    options.status === "all" ? [OBJECT_STATUS.approved, OBJECT_STATUS.deprecated] : [options.status === "approved" ? OBJECT_STATUS.approved : OBJECT_STATUS.deprecated];
  const slots: Slot[] = [
    { name: "$XDSDocumentEntryPatientId", values: [quoted(options.patient)] },
    { name: "$XDSDocumentEntryStatus", values: [quotedList(statuses)] },
  ];
  const codes = (list: readonly CodeOptionValue[]) => quotedList(list.map((c) => `${c.code.code}^^${c.code.codingScheme}`));
  if (options.class?.length) slots.push({ name: "$XDSDocumentEntryClassCode", values: [codes(options.class)] });
  if (options.type?.length) slots.push({ name: "$XDSDocumentEntryTypeCode", values: [codes(options.type)] });
  if (options.from) slots.push({ name: "$XDSDocumentEntryCreationTimeFrom", values: [options.from.dtm] });
  if (options.to) slots.push({ name: "$XDSDocumentEntryCreationTimeTo", values: [options.to.nextPeriod] });
  return slots;
}

function codeLabel(code: Code | undefined): string {
  if (!code) return "";
  return categoryOfCode(code)?.name ?? code.displayName ?? code.code;
}

function statusLabel(status: string | undefined): string {
  if (status === OBJECT_STATUS.approved) return "approved";
  if (status === OBJECT_STATUS.deprecated) return "deprecated";
  return status ?? "";
}

/** The JSON form of a DocumentEntry in `query --json`: its identifying and descriptive metadata. */
export function documentJson(e: DocumentEntry) {
  return {
    uniqueId: e.uniqueId ?? null,
    entryUuid: e.entryUuid,
    title: e.title?.value ?? null,
    classCode: e.classCode ?? null,
    typeCode: e.typeCode ?? null,
    category: (e.classCode && categoryOfCode(e.classCode)?.name) ?? null,
    creationTime: e.creationTime ?? null,
    size: e.size === undefined ? null : Number(e.size),
    hash: e.hash ?? null,
    mimeType: e.mimeType ?? null,
    languageCode: e.languageCode ?? null,
    confidentialityCodes: e.confidentialityCodes,
    authors: e.authors.map((a) => ({ name: personName(a.person), person: a.person ?? null, institutions: a.institutions, roles: a.roles })),
    repositoryUniqueId: e.repositoryUniqueId ?? null,
    homeCommunityId: e.homeCommunityId ?? null,
    availabilityStatus: statusLabel(e.availabilityStatus),
    patientId: e.patientId ?? null,
  };
}
