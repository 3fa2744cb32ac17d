import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "./data-dir-lock.js";

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "opendsp-lock-"));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("the data folder lock", () => {
  it("is held by one platform at a time and released at stop", async () => {
    const dir = join(await freshDir(), "data");
    const lock = await lockDataDir(dir);
    expect(await readFile(join(dir, LOCK_FILE), "utf8")).toBe(String(process.pid));
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: "LAUNCHER_DATA_DIR_LOCKED", message: expect.stringContaining("already running in this process") as string });
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it("takes over the lock of a process that is gone", async () => {
    const dir = await freshDir();
    // Pid numbers this high are beyond Linux's pid_max: no such process.
    await writeFile(join(dir, LOCK_FILE), "2147483646");
    const lock = await lockDataDir(dir);
    expect(await readFile(join(dir, LOCK_FILE), "utf8")).toBe(String(process.pid));
    await lock.release();
  });

  it("names the process holding it", async () => {
    const dir = await freshDir();
    // The parent of this test process is alive.
    await writeFile(join(dir, LOCK_FILE), String(process.ppid));
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${process.ppid}`);
  });
});
