import { openDatabase } from "@opendsp/platform";
import { runAdminStatement, TEST_POSTGRES_ADMIN_URL } from "@opendsp/testing";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerfile, readRepoFile, REPO_ROOT } from "./support/deploy-files.js";
import { DockerfileEmulator, packageVersion, type EmulatedImage, type EmulatorTools } from "./support/dockerfile-emulator.js";
import { dockerignorePatterns, pruneIgnored } from "./support/dockerignore.js";
import { isPendingEntryPoint } from "./support/pending.js";
import { logLines, runCommand } from "./support/run-command.js";

// Builds every target of deploy/docker/Dockerfile without Docker (the build context is the committed tree, with
// deploy/docker/ and .dockerignore as they are in the working tree), initialises the services' databases with
// deploy/postgres/init on the local PostgreSQL, runs the migrate image's command, then starts the registry with its
// image's command line and runs its HEALTHCHECK.

const NODE_BIN = dirname(process.execPath);

function findPnpm(): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), join(REPO_ROOT, ".tools", "node_modules", ".bin")];
  return dirs.map((d) => join(d, "pnpm")).find((p) => existsSync(p));
}

/** Why the build cannot be reproduced on this machine, or undefined when it can. */
function unavailable(): string | undefined {
  if (spawnSync("git", ["-C", REPO_ROOT, "rev-parse", "--verify", "HEAD"]).status !== 0) return "the sources are not a git checkout (git archive HEAD is the build context)";
  if (!findPnpm()) return "pnpm is not installed";
  if (!existsSync(join(REPO_ROOT, "node_modules", "tsx", "package.json"))) return "the workspace is not installed (no node_modules/tsx)";
  if (spawnSync("psql", ["--version"]).status !== 0) return "psql (PostgreSQL's client, which the init script uses) is not installed";
  return undefined;
}

const reason = unavailable();

describe.skipIf(reason !== undefined)(`deploy/docker/Dockerfile built without Docker${reason ? ` (skipped: ${reason})` : ""}`, () => {
  const suffix = randomBytes(4).toString("hex");
  const names = {
    registry: `opendsp_deploy_${suffix}_registry`,
    repository: `opendsp_deploy_${suffix}_repository`,
    consent: `opendsp_deploy_${suffix}_consent`,
    audit: `opendsp_deploy_${suffix}_audit`,
  };
  const admin = new URL(TEST_POSTGRES_ADMIN_URL);
  let work: string;
  let emulator: DockerfileEmulator;
  let registry: EmulatedImage;
  let migrate: EmulatedImage;
  const images = new Map<string, EmulatedImage>();

  function databaseUrl(name: string): string {
    const url = new URL(TEST_POSTGRES_ADMIN_URL);
    url.username = name;
    url.password = `pw-${suffix}`;
    url.pathname = `/${name}`;
    return url.toString();
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "opendsp-image-"));
    const context = join(work, "context");
    const archive = await runCommand("sh", ["-c", `mkdir -p "${context}" && git -C "${REPO_ROOT}" archive --format=tar HEAD | tar -x -C "${context}"`], { cwd: work });
    if (archive.code !== 0) throw new Error(`git archive failed: ${archive.stderr}`);
    cpSync(join(REPO_ROOT, "deploy", "docker"), join(context, "deploy", "docker"), { recursive: true });
    cpSync(join(REPO_ROOT, ".dockerignore"), join(context, ".dockerignore"));
    pruneIgnored(context, dockerignorePatterns(readRepoFile(".dockerignore")));

    const pnpm = findPnpm() ?? "pnpm";
    const pnpmVersion = (await runCommand(pnpm, ["--version"], { cwd: REPO_ROOT })).stdout.trim();
    const storeDir = (await runCommand(pnpm, ["store", "path"], { cwd: REPO_ROOT })).stdout.trim();
    const tsxDir = realpathSync(join(REPO_ROOT, "node_modules", "tsx"));
    const tools: EmulatorTools = { pnpm, pnpmVersion, storeDir, tsxDir, tsxVersion: packageVersion(tsxDir) };
    emulator = new DockerfileEmulator(dockerfile(), context, work, tools);
    for (const target of ["registry", "repository", "consent", "gateway", "audit", "migrate"]) images.set(target, await emulator.build(target));
    registry = images.get("registry") as EmulatedImage;
    migrate = images.get("migrate") as EmulatedImage;
  }, 180_000);

  afterAll(async () => {
    for (const name of Object.values(names)) {
      await runAdminStatement(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await runAdminStatement(`DROP ROLE IF EXISTS ${name}`);
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("runs every pnpm command of the build as written, offline from the store; only tool installs are stood in for", () => {
    const ran = emulator.records.filter((r) => r.how === "ran").map((r) => `${r.stage}: ${r.command}`);
    expect(ran).toEqual(
      expect.arrayContaining([
        "build: pnpm fetch --prod && rm -rf node_modules",
        'registry-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/registry..."',
        'repository-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/repository..."',
        'consent-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/consent..."',
        'gateway-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/gateway..."',
        'audit-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/audit..."',
        'migrate-deps: pnpm install --offline --frozen-lockfile --prod --filter-prod "@opendsp/registry..." --filter-prod "@opendsp/repository..." --filter-prod "@opendsp/consent..." --filter-prod "@opendsp/audit..."',
      ]),
    );
    expect(emulator.records.filter((r) => r.how === "stood-in").map((r) => r.stage).sort()).toEqual(["pnpm", "tsx"]);
    expect(emulator.records.filter((r) => r.how === "skipped").map((r) => r.command)).toEqual(["mkdir -p /data && chown 1000:1000 /data"]);
  });

  it.each([
    ["registry", ["services/registry/src/main.ts", "services/registry/migrations/index.ts", "services/registry/config/codes.xml"]],
    ["repository", ["services/repository/src/main.ts", "services/repository/migrations/index.ts"]],
    ["consent", ["services/consent/src/main.ts", "services/consent/migrations/index.ts"]],
    ["gateway", ["services/gateway/src/main.ts", "wsdl", "openapi"]],
    ["audit", ["services/audit/src/main.ts", "services/audit/package.json", "packages/atna/src/index.ts"]],
    [
      "migrate",
      ["services/registry/src/migrate.ts", "services/repository/src/migrate.ts", "services/consent/src/migrate.ts", "services/audit/src/migrate.ts", "deploy/docker/migrate.sh"],
    ],
  ])("the %s image holds what it runs, the shared packages and production dependencies only", (target, needed) => {
    const image = images.get(target) as EmulatedImage;
    const app = image.cwd;
    const present = needed.filter((path) => !isPendingEntryPoint(path));
    for (const path of [...present, "packages/platform/src/index.ts", "package.json", "tsconfig.json", "node_modules/tsx"]) {
      expect(existsSync(join(app, path)), path).toBe(true);
    }
    const services = readdirSync(join(app, "services")).sort();
    expect(services).toEqual(target === "migrate" ? ["audit", "consent", "registry", "repository"] : [target]);
    expect(existsSync(join(app, "test"))).toBe(false);
    const installed = readdirSync(join(app, "node_modules", ".pnpm"));
    expect(installed.some((p) => p.startsWith("fastify@"))).toBe(true);
    // s3rver: a dependency of @opendsp/testing, which the services have as a development dependency only.
    for (const devOnly of ["vitest@", "typescript@", "eslint@", "s3rver@", "dependency-cruiser@"]) {
      expect(installed.filter((p) => p.startsWith(devOnly)), devOnly).toEqual([]);
    }
  });

  it("deploy/postgres/init creates one database per service, owned by a role of its own", async () => {
    const result = await runCommand("sh", [join(REPO_ROOT, "deploy/postgres/init/10-service-databases.sh")], {
      cwd: work,
      env: {
        PGHOST: admin.hostname,
        PGPORT: admin.port || "5432",
        POSTGRES_USER: decodeURIComponent(admin.username) || "postgres",
        POSTGRES_DB: admin.pathname.slice(1) || "postgres",
        REGISTRY_DB_NAME: names.registry,
        REPOSITORY_DB_NAME: names.repository,
        CONSENT_DB_NAME: names.consent,
        AUDIT_DB_NAME: names.audit,
        REGISTRY_DB_PASSWORD: `pw-${suffix}`,
        REPOSITORY_DB_PASSWORD: `pw-${suffix}`,
        CONSENT_DB_PASSWORD: `pw-${suffix}`,
        AUDIT_DB_PASSWORD: `pw-${suffix}`,
      },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.match(/CREATE DATABASE/g)).toHaveLength(4);
  });

  // While services/audit/src/migrate.ts is pending (support/pending.ts) the script migrates the other three and then
  // stops on the audit service, non-zero: a deployment never starts on a database left behind.
  const auditPending = isPendingEntryPoint("services/audit/src/migrate.ts");

  it("the migrate image's command brings every database to its latest migration, each as its own role", async () => {
    expect(migrate.cmd).toEqual(["sh", "deploy/docker/migrate.sh"]);
    const [command, ...args] = migrate.cmd ?? [];
    const result = await runCommand(command ?? "sh", args, {
      cwd: migrate.cwd,
      env: {
        ...Object.fromEntries(migrate.env),
        PATH: `${NODE_BIN}${delimiter}${process.env["PATH"] ?? ""}`,
        REGISTRY_DATABASE_URL: databaseUrl(names.registry),
        REPOSITORY_DATABASE_URL: databaseUrl(names.repository),
        CONSENT_DATABASE_URL: databaseUrl(names.consent),
        AUDIT_DATABASE_URL: databaseUrl(names.audit),
      },
    });
    const migrated = auditPending ? (["registry", "repository", "consent"] as const) : (["registry", "repository", "consent", "audit"] as const);
    if (auditPending) {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("services/audit/src/migrate.ts");
    } else {
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }
    const done = logLines(result.stdout).map((l) => l["msg"]);
    expect(done).toEqual(migrated.map((service) => `${service} database at the latest migration`));
    for (const name of migrated.map((service) => names[service])) {
      const database = await openDatabase<{ pg_tables: { schemaname: string; tableowner: string } }>({ url: databaseUrl(name) });
      try {
        const owners = await database.db.selectFrom("pg_tables").select("tableowner").where("schemaname", "=", "public").distinct().execute();
        expect(owners.map((o) => o.tableowner)).toEqual([name]);
      } finally {
        await database.close();
      }
    }
  });

  it("the registry image's command line starts the registry with MIGRATE_ON_START=false, and its HEALTHCHECK passes", async () => {
    const [command, ...args] = registry.cmd ?? [];
    expect(command).toBe("node");
    const dataDir = join(work, "registry-data");
    const child = spawn(process.execPath, args, {
      cwd: registry.cwd,
      env: {
        ...process.env,
        ...Object.fromEntries(registry.env),
        // Free ports on the loopback interface instead of the image's 0.0.0.0:8081 and 2575.
        REGISTRY_HOST: "127.0.0.1",
        REGISTRY_PORT: "0",
        HL7_MLLP_PORT: "0",
        REGISTRY_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl(names.registry),
        MIGRATE_ON_START: "false",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const line = logLines(out.slice(0, out.lastIndexOf("\n") + 1)).find((l) => l["msg"] === "registry listening");
          if (line) resolve(line);
        });
        void exited.then((code) => reject(new Error(`the registry exited with ${String(code)}: ${stderr}`)));
      });
      const port = new URL(String(listening["soap"])).port;
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "ok" });

      const [checkCommand, ...checkArgs] = registry.healthcheck ?? [];
      expect(checkCommand).toBe("node");
      const check = await runCommand(process.execPath, checkArgs, { cwd: registry.cwd, env: { ...Object.fromEntries(registry.env), REGISTRY_PORT: port } });
      expect(check.code).toBe(0);

      const mllpPort = Number(listening["mllpPort"]);
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: mllpPort }, () => socket.end(() => resolve()));
        socket.once("error", reject);
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("the same HEALTHCHECK fails when nothing answers on the port", async () => {
    const checkArgs = registry.healthcheck?.slice(1) ?? [];
    expect(checkArgs[0]).toBe("-e");
    const result = await runCommand(process.execPath, checkArgs, { cwd: registry.cwd, env: { REGISTRY_PORT: "1" } });
    expect(result.code).toBe(1);
  });
});
