import { parseCodesXml, type CodesConfig } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The affinity-domain codes shipped with the registry (NIST codes.xml format). */
export const DEFAULT_CODES_FILE = join(import.meta.dirname, "..", "config", "codes.xml");

/**
 * REGISTRY_CODES: "default" (the shipped file), "open" (open domain: no code checks) or the path of a codes.xml.
 * Read once at start; a malformed file stops the start with its reason.
 */
export function loadAffinityDomainCodes(setting: string): CodesConfig | undefined {
  if (setting === "open") return undefined;
  const file = setting === "default" ? DEFAULT_CODES_FILE : setting;
  return parseCodesXml(readFileSync(file));
}
