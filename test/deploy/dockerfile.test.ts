import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_NODE_FLAGS } from "@opendsp/testing";
import { describe, expect, it } from "vitest";
import {
  configKeys,
  dockerfile,
  lockedVersions,
  namesRegistryHost,
  readRepoFile,
  REPO_ROOT,
  SERVICE_IMAGES,
  SERVICE_NAMES,
  requiredVariables,
} from "./support/deploy-files.js";
import { dockerignorePatterns, isIgnored } from "./support/dockerignore.js";
import { effective, environment, execForm, exposedPorts, parseCopy, stageChain } from "./support/dockerfile.js";
import { acceptedKeys, isPendingEntryPoint } from "./support/pending.js";

const file = dockerfile();
const RUNTIME_TARGETS = [...SERVICE_NAMES, "migrate"];

describe("deploy/docker/Dockerfile", () => {
  it("has a target for every service and for the migrations, each on the node:24 slim image", () => {
    const names = file.stages.map((s) => s.name);
    for (const target of RUNTIME_TARGETS) expect(names).toContain(target);
    const externalBases = new Set(file.stages.map((s) => s.base).filter((b) => !names.includes(b)));
    expect([...externalBases]).toEqual(["node:24-slim"]);
  });

  it("installs the pnpm version pinned by package.json's packageManager", () => {
    const packageManager = (JSON.parse(readRepoFile("package.json")) as { packageManager: string }).packageManager;
    expect(`pnpm@${file.args.get("PNPM_VERSION") ?? ""}`).toBe(packageManager);
    const install = file.stage("pnpm").instructions.find((i) => i.keyword === "RUN");
    expect(install?.args).toContain("pnpm@${PNPM_VERSION}");
  });

  it("runs the sources with the tsx and esbuild versions of pnpm-lock.yaml", () => {
    const tsx = lockedVersions("tsx");
    expect(file.args.get("TSX_VERSION")).toBe(tsx.version);
    expect(file.args.get("ESBUILD_VERSION")).toBe(tsx.dependencies["esbuild"]);
  });

  it("installs only production dependencies, from the lockfile, without reaching the network after the fetch", () => {
    const installs = file.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === "RUN" && /\bpnpm install\b/.test(i.args));
    expect(installs.length).toBeGreaterThanOrEqual(4);
    for (const i of installs) {
      expect(i.args).toMatch(/--frozen-lockfile/);
      expect(i.args).toMatch(/--prod\b/);
      expect(i.args).toMatch(/--offline/);
    }
    expect(file.stage("build").instructions.some((i) => i.keyword === "RUN" && /pnpm fetch --prod/.test(i.args))).toBe(true);
  });

  it("each service image installs and holds its own service, and runs its main.ts through tsx with its Node options", () => {
    for (const service of SERVICE_NAMES) {
      const deps = file.stage(`${service}-deps`).instructions.find((i) => i.keyword === "RUN");
      expect(deps?.args).toContain(`--filter-prod "@opendsp/${service}..."`);
      const copies = file.stage(service).instructions.filter((i) => i.keyword === "COPY").map(parseCopy);
      expect(copies.some((c) => c.from === `${service}-deps` && c.sources.includes(`/src/services/${service}/`))).toBe(true);
      // The repository's Node options are the ones the tests and benchmarks start it with (startRepositoryProcess).
      const nodeFlags = service === "repository" ? REPOSITORY_NODE_FLAGS : [];
      expect(execForm(effective(file, service, "CMD"))).toEqual(["node", ...nodeFlags, "--import", "tsx", `services/${service}/src/main.ts`]);
    }
  });

  it.each(SERVICE_NAMES)("the %s image's entry point exists, or is listed as pending in support/pending.ts", (service) => {
    const entry = execForm(effective(file, service, "CMD")).at(-1) ?? "";
    expect(existsSync(join(REPO_ROOT, entry)), entry).toBe(!isPendingEntryPoint(entry));
  });

  it("the migrate image holds every service with a database and runs deploy/docker/migrate.sh, which runs each service's migrate.ts", () => {
    expect(execForm(effective(file, "migrate", "CMD"))).toEqual(["sh", "deploy/docker/migrate.sh"]);
    const sources = file.stage("migrate").instructions.filter((i) => i.keyword === "COPY").flatMap((i) => parseCopy(i).sources);
    expect(sources).toEqual(
      expect.arrayContaining(["/src/services/registry/", "/src/services/repository/", "/src/services/consent/", "/src/services/audit/", "/src/deploy/docker/migrate.sh"]),
    );
    const deps = file.stage("migrate-deps").instructions.find((i) => i.keyword === "RUN");
    const script = readRepoFile("deploy/docker/migrate.sh");
    for (const service of ["registry", "repository", "consent", "audit"]) {
      expect(deps?.args).toContain(`--filter-prod "@opendsp/${service}..."`);
      expect(script).toContain(`migrate ${service} "\${${service.toUpperCase()}_DATABASE_URL:?`);
      const entry = `services/${service}/src/migrate.ts`;
      expect(existsSync(join(REPO_ROOT, entry)), entry).toBe(!isPendingEntryPoint(entry));
    }
    expect(script).toContain('node --import tsx "services/$service/src/migrate.ts"');
    expect([...requiredVariables(script)].sort()).toEqual(["AUDIT_DATABASE_URL", "CONSENT_DATABASE_URL", "REGISTRY_DATABASE_URL", "REPOSITORY_DATABASE_URL"]);
  });

  it("every runtime image runs as a non-root user, by number", () => {
    for (const target of RUNTIME_TARGETS) {
      const user = effective(file, target, "USER")?.args ?? "root";
      expect(user, target).toMatch(/^[1-9][0-9]*(:[1-9][0-9]*)?$/);
    }
  });

  it("exposes each service's ports and nothing else", () => {
    for (const service of SERVICE_NAMES) {
      const { httpPort, otherPorts } = SERVICE_IMAGES[service];
      expect(exposedPorts(file, service).sort()).toEqual([httpPort, ...otherPorts].sort());
    }
    expect(exposedPorts(file, "migrate")).toEqual([]);
  });

  it("checks health with GET /health on the port the service listens on", () => {
    for (const service of SERVICE_NAMES) {
      const { httpPort, portVariable } = SERVICE_IMAGES[service];
      const check = execForm(effective(file, service, "HEALTHCHECK")).join(" ");
      expect(check).toContain(`http://127.0.0.1:\${process.env.${portVariable} ?? ${httpPort}}/health`);
      expect(environment(file, service).get(portVariable)).toBe(String(httpPort));
    }
  });

  it("sets only variables the service's configuration reads, or that support/pending.ts lists for it", async () => {
    for (const service of SERVICE_NAMES) {
      const keys = acceptedKeys(service, await configKeys(service));
      for (const name of environment(file, service).keys()) {
        if (name === "NODE_ENV") continue;
        expect(keys, `${service}: ${name}`).toContain(name);
      }
    }
  });

  it("listens on every interface inside the container and keeps embedded data under /data", () => {
    expect(environment(file, "registry").get("REGISTRY_HOST")).toBe("0.0.0.0");
    expect(environment(file, "repository").get("REPOSITORY_HOST")).toBe("0.0.0.0");
    expect(environment(file, "gateway").get("GATEWAY_HOST")).toBe("0.0.0.0");
    expect(environment(file, "consent").get("CONSENT_HOST")).toBe("0.0.0.0");
    expect(environment(file, "audit").get("AUDIT_HOST")).toBe("0.0.0.0");
    expect(environment(file, "audit").get("AUDIT_SYSLOG_TLS_PORT")).toBe("6514");
    expect(environment(file, "audit").get("AUDIT_DATA_DIR")).toMatch(/^\/data\//);
    expect(environment(file, "consent").get("CONSENT_DATA_DIR")).toMatch(/^\/data\//);
    expect(environment(file, "registry").get("REGISTRY_DATA_DIR")).toMatch(/^\/data\//);
    expect(environment(file, "repository").get("REPOSITORY_DATA_DIR")).toMatch(/^\/data\//);
  });

  it("copies from the build context only files that exist and that .dockerignore keeps", () => {
    const ignored = dockerignorePatterns(readRepoFile(".dockerignore"));
    const contextSources = file.stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "COPY")
      .map(parseCopy)
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources)
      .filter((s) => s !== ".");
    expect(contextSources.length).toBeGreaterThan(0);
    for (const source of contextSources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      expect(isIgnored(source, ignored), source).toBe(false);
    }
    // What the runtime targets take from the build stage's copy of the context.
    const fromBuild = RUNTIME_TARGETS.flatMap((t) => stageChain(file, t))
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "COPY")
      .map(parseCopy)
      .filter((c) => c.from?.endsWith("-deps"))
      .flatMap((c) => c.sources.map((s) => s.replace(/^\/src\//, "")))
      .filter((s) => !s.startsWith("node_modules"));
    for (const source of fromBuild) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      expect(isIgnored(source, ignored), source).toBe(false);
    }
  });

  it(".dockerignore keeps installed modules, version control data, local data and secrets out of the context", () => {
    const ignored = dockerignorePatterns(readRepoFile(".dockerignore"));
    for (const path of ["node_modules", "packages/platform/node_modules", ".git", ".tools", "data", ".env", "deploy/.env", "deploy/tls", "deploy/audit-tls"]) {
      expect(isIgnored(path, ignored), path).toBe(true);
    }
  });

  it("names no registry host: images by name only, no URLs, no registry flags", () => {
    const text = readFileSync(join(REPO_ROOT, "deploy/docker/Dockerfile"), "utf8");
    const urls = text.match(/[a-z][a-z0-9+.-]*:\/\/[^\s`"']*/g) ?? [];
    expect(urls.filter((u) => !u.startsWith("http://127.0.0.1:"))).toEqual([]);
    expect(text).not.toMatch(/--registry/);
    for (const stage of file.stages) expect(namesRegistryHost(stage.base), stage.base).toBe(false);
  });
});
