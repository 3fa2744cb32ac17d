import { openDatabase, type Logger } from "@opendsp/platform";
import { cp, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

const TEMPLATE_PREFIX = ".pglite-template-";
const PARTIAL_SUFFIX = ".initializing";

/**
 * On a first start, the embedded databases of the registry, the repository and consent are made from one initdb
 * instead of one each: PGlite's initdb is most of a cold start's time, and an empty, cleanly closed cluster copied file by file is the
 * same cluster (a file-level copy of a stopped PostgreSQL). Folders that already hold a database are left alone; the
 * services then run their own migrations on them as usual.
 */
export async function initializeEmbeddedDatabases(dataDir: string, folders: readonly string[], logger: Logger): Promise<void> {
  // What a start that died here left behind (the caller holds the data folder's lock: nobody else is at it).
  for (const entry of await readdir(dataDir)) if (entry.startsWith(TEMPLATE_PREFIX)) await rm(join(dataDir, entry), { recursive: true, force: true });
  for (const folder of folders) await rm(`${folder}${PARTIAL_SUFFIX}`, { recursive: true, force: true });

  // Only absent or empty folders are filled; anything else is left for its service to open (or to refuse).
  const missing: string[] = [];
  for (const folder of folders) if ((await contentOf(folder)) === "none") missing.push(folder);
  if (missing.length < 2) return;
  const t0 = performance.now();
  const template = await mkdtemp(join(dataDir, TEMPLATE_PREFIX));
  try {
    const database = await openDatabase<unknown>({ dataDir: template });
    await database.close();
    for (const folder of missing) {
      // Copied beside, then renamed: a folder holding a database is always a whole one.
      await mkdir(dirname(folder), { recursive: true });
      await cp(template, `${folder}${PARTIAL_SUFFIX}`, { recursive: true, errorOnExist: true, force: false });
      await rename(`${folder}${PARTIAL_SUFFIX}`, folder);
    }
  } finally {
    await rm(template, { recursive: true, force: true });
  }
  logger.info({ databases: missing.length, ms: Math.round(performance.now() - t0) }, "embedded databases initialized");
}

/** "none" for an absent or empty folder. */
async function contentOf(folder: string): Promise<"none" | "something"> {
  const entries = await readdir(folder).catch(() => []);
  return entries.length === 0 ? "none" : "something";
}
