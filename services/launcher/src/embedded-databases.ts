import { openDatabase, type Logger } from "@opendsp/platform";
import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * On a first start, the embedded databases of the registry and the repository are made from one initdb instead of
 * two: PGlite's initdb is most of a cold start's time, and an empty, cleanly closed cluster copied file by file is the
 * same cluster (a file-level copy of a stopped PostgreSQL). Folders that already hold a database are left alone; the
 * services then run their own migrations on them as usual.
 */
export async function initializeEmbeddedDatabases(dataDir: string, folders: readonly string[], logger: Logger): Promise<void> {
  const missing: string[] = [];
  for (const folder of folders) if (!(await isInitialized(folder))) missing.push(folder);
  if (missing.length < 2) return;
  const t0 = performance.now();
  const template = await mkdtemp(join(dataDir, ".pglite-template-"));
  try {
    const database = await openDatabase<unknown>({ dataDir: template });
    await database.close();
    for (const folder of missing) await cp(template, folder, { recursive: true, errorOnExist: true, force: false });
  } finally {
    await rm(template, { recursive: true, force: true });
  }
  logger.info({ databases: missing.length, ms: Math.round(performance.now() - t0) }, "embedded databases initialized");
}

async function isInitialized(folder: string): Promise<boolean> {
  return stat(join(folder, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}
