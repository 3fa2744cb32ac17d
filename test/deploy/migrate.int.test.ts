import { migrateToLatest, openDatabase, type MigrationSet } from "@opendsp/platform";
import {
  createPostgresTestDatabase,
  startRegistryProcess,
  startRepositoryProcess,
  type ServiceProcess,
  type TestDatabase,
} from "@opendsp/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTRY_MIGRATIONS } from "../../services/registry/migrations/index.js";
import { REPOSITORY_MIGRATIONS } from "../../services/repository/migrations/index.js";
import { REPO_ROOT } from "./support/deploy-files.js";
import { logLines, runCommand, type CommandResult } from "./support/run-command.js";

interface ServiceUnderTest {
  readonly name: "registry" | "repository";
  readonly migrations: MigrationSet;
  readonly refusalCode: string;
  /** Variables the service needs to run in a test besides its database (free ports, a temporary data folder). */
  readonly env: (dataDir: string) => Record<string, string>;
  readonly start: (env: Record<string, string>) => Promise<ServiceProcess>;
}

const SERVICES: readonly ServiceUnderTest[] = [
  {
    name: "registry",
    migrations: REGISTRY_MIGRATIONS,
    refusalCode: "REG_SCHEMA_NOT_MIGRATED",
    env: (dataDir) => ({ REGISTRY_PORT: "0", HL7_MLLP_PORT: "-1", REGISTRY_CODES: "open", REGISTRY_DATA_DIR: dataDir }),
    start: startRegistryProcess,
  },
  {
    name: "repository",
    migrations: REPOSITORY_MIGRATIONS,
    refusalCode: "REPO_SCHEMA_NOT_MIGRATED",
    env: (dataDir) => ({ REPOSITORY_PORT: "0", REPOSITORY_DATA_DIR: dataDir }),
    start: startRepositoryProcess,
  },
];

function runEntry(service: string, entry: "main" | "migrate", env: Record<string, string>): Promise<CommandResult> {
  return runCommand(process.execPath, ["--import", "tsx", `services/${service}/src/${entry}.ts`], { cwd: REPO_ROOT, env: { LOG_LEVEL: "info", ...env } });
}

/** The migrations a database has recorded as executed (none while it has no migration table). */
async function executedMigrations(url: string): Promise<string[]> {
  const database = await openDatabase<{ kysely_migration: { name: string } }>({ url });
  try {
    const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((t) => t.name === "kysely_migration")) return [];
    const rows = await database.db.selectFrom("kysely_migration").select("name").orderBy("name").execute();
    return rows.map((r) => r.name);
  } finally {
    await database.close();
  }
}

describe.each(SERVICES)("services/$name/src/migrate.ts and MIGRATE_ON_START", (service) => {
  const names = Object.keys(service.migrations).sort();
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createPostgresTestDatabase(`opendsp_deploy_${service.name}`);
    dataDir = await mkdtemp(join(tmpdir(), `opendsp-${service.name}-`));
    env = { ...service.env(dataDir), DATABASE_URL: database.url };
  });

  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("with MIGRATE_ON_START=false on an unmigrated database the service refuses to start, naming every missing migration", async () => {
    const result = await runEntry(service.name, "main", { ...env, MIGRATE_ON_START: "false" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(service.refusalCode);
    expect(result.stderr).toContain(`the ${service.name} database lacks migrations ${names.join(", ")}`);
    expect(result.stderr).toContain(`services/${service.name}/src/migrate.ts`);
    expect(logLines(result.stdout).some((l) => l["msg"] === `${service.name} listening`)).toBe(false);
    expect(await executedMigrations(database.url)).toEqual([]);
  });

  // With a single migration, "behind by one" is the unmigrated case above.
  it.skipIf(names.length < 2)("with the schema behind by one migration it names only that one", async () => {
    const last = names.at(-1) ?? "";
    const db = await openDatabase({ url: database.url });
    try {
      await migrateToLatest(db.db, Object.fromEntries(Object.entries(service.migrations).filter(([name]) => name !== last)));
    } finally {
      await db.close();
    }
    const result = await runEntry(service.name, "main", { ...env, MIGRATE_ON_START: "false" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`the ${service.name} database lacks migrations ${last} and MIGRATE_ON_START is false`);
  });

  it("migrate.ts brings the database to the latest migration and exits 0; run again, it applies nothing", async () => {
    const first = await runEntry(service.name, "migrate", env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const done = logLines(first.stdout).find((l) => l["msg"] === `${service.name} database at the latest migration`);
    expect(done?.["applied"]).toEqual([names.at(-1)]);
    expect(done?.["database"]).toBe("postgres");
    expect(await executedMigrations(database.url)).toEqual(names);

    const again = await runEntry(service.name, "migrate", env);
    expect(again.code).toBe(0);
    expect(logLines(again.stdout).find((l) => l["msg"] === `${service.name} database at the latest migration`)?.["applied"]).toEqual([]);
  });

  it("with MIGRATE_ON_START=false on a migrated database the service starts and is healthy", async () => {
    const running = await service.start({ ...env, MIGRATE_ON_START: "false" });
    try {
      const health = await fetch(`${new URL(running.soapUrl).origin}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", database: "ok" });
    } finally {
      await running.stop();
    }
  });

  it("migrate.ts exits non-zero with the reason when the database cannot be reached", async () => {
    const missing = new URL(database.url);
    missing.pathname = `/${service.name}_database_that_does_not_exist`;
    const result = await runEntry(service.name, "migrate", { ...env, DATABASE_URL: missing.toString() });
    expect(result.code).toBe(1);
    const failure = logLines(result.stdout).find((l) => l["msg"] === `${service.name} migrations failed`);
    expect(failure?.["code"]).toBe("DB_MIGRATION");
    expect(String(failure?.["cause"])).toContain(`database "${service.name}_database_that_does_not_exist" does not exist`);
  });
});
