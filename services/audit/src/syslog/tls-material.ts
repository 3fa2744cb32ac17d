import { readFileSync } from "node:fs";
import { ConfigError } from "@opendsp/platform";

/** Reads a PEM file named by a setting, once at start; a missing or unreadable file is a configuration error. */
export function readPemFile(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError("AUDIT_SYSLOG_TLS_FILE", `${setting}: the file cannot be read`, { cause });
  }
}

export function readOptionalPemFile(setting: string, path: string | undefined): Buffer | undefined {
  return path === undefined ? undefined : readPemFile(setting, path);
}
