import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError, usageError } from "../errors/cli-error.js";
import { fsReason } from "../errors/fs-reason.js";
import type { CliIo } from "../output/cli-io.js";

/** The variable holding the user's XUA assertion itself (XML or base64url), for every command that sends SOAP. */
export const TOKEN_ENV = "OPENDSP_TOKEN";

export const TOKEN_OPTION_HELP =
  "the user's XUA assertion (SAML 2.0, as `opendsp token` prints it, XML or base64url) from this file, `-` for stdin; default: $OPENDSP_TOKEN, the assertion itself";

/**
 * The user's XUA assertion (ITI-40) for the wsse:Security header of the requests, or undefined when none is given:
 * from --token (a file, `-` for standard input), else from OPENDSP_TOKEN. Either holds the assertion XML or its
 * base64url (what `opendsp token --base64` prints, for the JSON API's Authorization header), so one token serves
 * both. The assertion is passed on as it is: its signature covers its exact bytes.
 */
export async function userAssertion(tokenOption: string | undefined, io: CliIo): Promise<string | undefined> {
  if (tokenOption !== undefined) return assertionXmlOf(await readToken(tokenOption, io), tokenOption === "-" ? "standard input" : tokenOption);
  const fromEnv = io.env[TOKEN_ENV];
  if (fromEnv === undefined || fromEnv.trim() === "") return undefined;
  return assertionXmlOf(fromEnv, TOKEN_ENV);
}

/** The assertion XML of a token given as XML or as base64url (padded or not); a usage error when it is neither. */
export function assertionXmlOf(token: string, from: string): string {
  const text = token.trim();
  if (text.startsWith("<")) return text;
  // base64url as `opendsp token --base64` prints it; plain base64 too (Node's base64 decoder reads both alphabets).
  if (/^[A-Za-z0-9_+/-]+={0,2}$/.test(text)) {
    const xml = Buffer.from(text, "base64").toString("utf8").trim();
    if (xml.startsWith("<")) return xml;
  }
  throw usageError(`${from} holds no XUA assertion: expected the XML or the base64url that \`opendsp token\` prints`);
}

async function readToken(file: string, io: CliIo): Promise<string> {
  if (file === "-") {
    if (io.stdin === undefined) throw usageError("--token - reads standard input, which this command has none of");
    let text = "";
    for await (const chunk of io.stdin) text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    return text;
  }
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (err) {
    throw new CliError("file", `cannot read ${file}: ${fsReason(err)}`, { cause: err });
  }
}
