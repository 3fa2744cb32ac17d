import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PlatformStartError } from "./platform-start-error.js";

export const LOCK_FILE = "opendsp.lock";

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes the data folder for this process. The embedded databases must have one writer: two platforms on one folder
 * (a second `pnpm start` on other ports) would corrupt them. The lock file holds the owner's pid; a lock whose
 * process is gone (a crash, a kill -9) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, mine, { flag: "wx" });
      return {
        async release(): Promise<void> {
          const owner = await readFile(path, "utf8").catch(() => undefined);
          if (owner?.trim() === mine) await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new PlatformStartError("platform", "LAUNCHER_DATA_DIR_LOCKED", `the data folder ${dataDir} cannot be written: ${(err as Error).message}`, { cause: err });
      }
      const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new PlatformStartError(
          "platform",
          "LAUNCHER_DATA_DIR_LOCKED",
          `the data folder ${dataDir} is in use by ${owner === process.pid ? "a platform already running in this process" : `process ${owner}`}; stop it or set OPENDSP_DATA_DIR to another folder`,
        );
      }
      // The owner is gone: the lock is stale.
      await unlink(path).catch(() => undefined);
    }
  }
  throw new PlatformStartError("platform", "LAUNCHER_DATA_DIR_LOCKED", `the data folder ${dataDir} could not be locked`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
