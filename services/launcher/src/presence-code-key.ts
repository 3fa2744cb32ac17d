import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { PlatformStartError } from "./platform-start-error.js";

/** The consent service's smallest accepted HMAC key (services/consent/src/config.ts): SHA-256's output size. */
const KEY_BYTES = 32;

/**
 * The consent service's presence-code key when the operator gave none: generated once (32 random bytes, base64) and
 * kept in `file`, readable by its owner only, so that the codes a patient issued before a restart are still accepted
 * after it (the service alone would take a fresh key per start). The presence codes are stored only as HMACs under
 * this key (services/consent/README.md): whoever reads the file can test guesses offline, hence mode 0600.
 */
export async function persistedPresenceCodeKey(file: string): Promise<string> {
  const existing = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw new PlatformStartError("consent", "LAUNCHER_CONFIG", `the presence-code key ${file} could not be read: ${err.message}`, { cause: err });
  });
  if (existing !== undefined) {
    const key = existing.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, "base64").length < KEY_BYTES) {
      throw new PlatformStartError("consent", "LAUNCHER_CONFIG", `${file} does not hold a base64 key of at least ${KEY_BYTES} bytes; remove it to have a new one made, or set CONSENT_PRESENCE_CODE_KEY`);
    }
    return key;
  }
  const key = randomBytes(KEY_BYTES).toString("base64");
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // "wx": never over a key written meanwhile; the mode is set at creation, before the key is in the file.
  await writeFile(file, `${key}\n`, { flag: "wx", mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}
