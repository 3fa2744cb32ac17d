import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { persistedPresenceCodeKey } from "./presence-code-key.js";

describe("the consent service's persisted presence-code key", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "opendsp-presence-key-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is generated once, 32 random bytes in base64, in a file only its owner reads, and reused afterwards", async () => {
    const file = join(dir, "consent", "presence-code.key");
    const key = await persistedPresenceCodeKey(file);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(key);
    expect(await persistedPresenceCodeKey(file)).toBe(key);
  });

  it("refuses a file that holds no usable key, naming it", async () => {
    const file = join(dir, "presence-code.key");
    await writeFile(file, "c2hvcnQ=\n");
    await expect(persistedPresenceCodeKey(file)).rejects.toMatchObject({ code: "LAUNCHER_CONFIG", service: "consent", message: expect.stringContaining(file) as unknown });
  });
});
