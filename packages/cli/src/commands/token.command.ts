import { DevelopmentIdentityProviderError, EMERGENCY_PURPOSE_OF_USE, loadDevelopmentIdentityProvider, mintXuaAssertion } from "@opendsp/soap";
import { Command } from "commander";
import { join, resolve } from "node:path";
import { CliError } from "../errors/cli-error.js";
import type { CommandContext } from "./command-context.js";
import { nonEmptyText, patientIdValue, positiveInteger } from "./option-parsers.js";

interface TokenOptions {
  subject: string;
  role: string;
  patient?: string;
  purpose?: string;
  organization?: string;
  lifetime: number;
  dataDir?: string;
  base64?: boolean;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** The folder `pnpm start` keeps its data in when OPENDSP_DATA_DIR is not set (services/launcher). */
const DEFAULT_DATA_DIR = "./data";
/** Where the launcher keeps the development identity provider under the data folder. */
const IDENTITY_PROVIDER_FOLDER = "identity-provider";

export function tokenCommand(ctx: CommandContext): Command {
  return new Command("token")
    .summary("mint a user's XUA assertion with the development identity provider")
    .description(
      "Prints a signed SAML 2.0 assertion (IHE XUA, ITI-40) of the development identity provider that `pnpm start` " +
        "makes in <data>/identity-provider/, on one line: what publish, query and retrieve send with --token or " +
        "OPENDSP_TOKEN, and, with --base64, what the JSON API takes as `Authorization: SAML <token>`. Role " +
        "`patient` acts as the patient (--subject is then the patient's CX id), `representative` for the patient of " +
        "--patient, any other role as a professional; `emergency` with --purpose EMERGENCY breaks the glass. For " +
        "development only: anyone who can read the key can be anybody.",
    )
    .requiredOption("--subject <id>", "the user's id (saml2:NameID); for --role patient the patient's CX id id^^^&OID&ISO", nonEmptyText)
    .requiredOption("--role <role>", "the user's role: patient, representative, doctor, emergency, ...", nonEmptyText)
    .option("--patient <id>", "the patient acted for or on, CX id^^^&OID&ISO (resource-id)", patientIdValue)
    .option("--purpose <code>", `purpose of use; ${EMERGENCY_PURPOSE_OF_USE} asks for emergency access`, nonEmptyText)
    .option("--organization <id>", "the user's organization id", nonEmptyText)
    .option("--lifetime <seconds>", "how long the assertion is valid", positiveInteger, DEFAULT_TOKEN_LIFETIME_SECONDS)
    .option("--data-dir <dir>", `the platform's data folder (default: $OPENDSP_DATA_DIR, else ${DEFAULT_DATA_DIR})`, nonEmptyText)
    .option("--base64", "print the assertion as base64url (for the JSON API's Authorization header)")
    .action(async (options: TokenOptions) => {
      const dataDir = resolve(ctx.io.cwd, options.dataDir ?? nonEmpty(ctx.io.env["OPENDSP_DATA_DIR"]) ?? DEFAULT_DATA_DIR);
      const dir = join(dataDir, IDENTITY_PROVIDER_FOLDER);
      let provider;
      try {
        provider = await loadDevelopmentIdentityProvider(dir);
      } catch (err) {
        if (err instanceof DevelopmentIdentityProviderError && err.code === "DEV_IDP_MISSING") {
          throw new CliError("file", `no development identity provider in ${dir}: start the platform once with pnpm start (or give its --data-dir)`, { cause: err });
        }
        throw new CliError("file", `the development identity provider in ${dir} cannot be used: ${(err as Error).message}`, { cause: err });
      }
      const assertion = mintXuaAssertion({
        issuer: provider.issuer,
        signingKeyPem: provider.signingKeyPem,
        audience: provider.audience,
        subjectId: options.subject,
        roles: [options.role],
        lifetimeSeconds: options.lifetime,
        ...(options.patient === undefined ? {} : { patientId: options.patient }),
        ...(options.purpose === undefined ? {} : { purposeOfUse: options.purpose }),
        ...(options.organization === undefined ? {} : { organizationId: options.organization }),
      });
      ctx.output.result(options.base64 ? Buffer.from(assertion, "utf8").toString("base64url") : assertion);
    });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
