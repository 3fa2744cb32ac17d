import { Command } from "commander";
import { CliError } from "../errors/cli-error.js";
import { getPatient, putPatient } from "../transport/patient-admin.call.js";
import { globalSettings, type CommandContext } from "./command-context.js";
import { patientIdValue } from "./option-parsers.js";

export function patientCommand(ctx: CommandContext): Command {
  const patient = new Command("patient")
    .summary("add or look up patient ids (JSON admin API)")
    .description(
      "Patient identities of the registry, through its JSON admin API (/api/patients), beside the ITI-8 feed. " +
        "The registry keeps identifiers only, as XDS does; a patient's demographics travel with each document " +
        "(see `opendsp publish --family --given --birth-date --sex`).",
    );
  patient
    .command("add")
    .description("add a patient id to the registry, or make a known one active again")
    .argument("<id>", "patient id in CX form id^^^&OID&ISO (quote it in the shell)", patientIdValue)
    .option("--json", "print the result as JSON")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      const { outcome, patient: identity } = await putPatient(settings.endpoints.patientsApiUrl, id, settings.timeoutMs, settings.signal);
      if (options.json) {
        ctx.output.json({ outcome, ...identity });
        return;
      }
      ctx.output.result(`${outcome === "created" ? "added" : "already known, active"}: ${identity.patientId}`);
    });
  patient
    .command("show")
    .description("show whether the registry knows a patient id, and whether it was merged")
    .argument("<id>", "patient id in CX form id^^^&OID&ISO (quote it in the shell)", patientIdValue)
    .option("--json", "print the result as JSON")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const settings = globalSettings(command, ctx.io);
      const identity = await getPatient(settings.endpoints.patientsApiUrl, id, settings.timeoutMs, settings.signal);
      if (!identity) throw new CliError("refused", `the registry does not know the patient id ${id}`);
      if (options.json) {
        ctx.output.json(identity);
        return;
      }
      ctx.output.result(identity.status === "merged" ? `merged into ${identity.mergedInto ?? "?"}: ${identity.patientId}` : `active: ${identity.patientId}`);
    });
  return patient;
}
