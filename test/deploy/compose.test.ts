import { AUDIT_DELIVERY } from "@opendsp/atna";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  composeFile,
  configKeys,
  DOCKERFILE_PATH,
  dockerfile,
  imageName,
  imageTag,
  namesRegistryHost,
  readRepoFile,
  REPO_ROOT,
  requiredVariables,
  SERVICE_IMAGES,
  SERVICE_NAMES,
  type ComposeService,
  type ServiceName,
} from "./support/deploy-files.js";
import { effective } from "./support/dockerfile.js";
import { acceptedKeys } from "./support/pending.js";

const compose = composeFile();
const file = dockerfile();
const services = compose.services;
const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
const packageVersion = (JSON.parse(readRepoFile("package.json")) as { version: string }).version;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(s: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Compose's `${VAR:?message}`: the value must come from the environment, compose refuses to start without it. */
const REQUIRED_VARIABLE = /^\$\{[A-Z0-9_]+:\?[^}]*\}$/;

describe("docker-compose.yml", () => {
  it("runs the servers, the migrations and every service", () => {
    expect(Object.keys(services).sort()).toEqual(["audit", "consent", "gateway", "migrate", "minio", "postgres", "redis", "registry", "repository"]);
  });

  it("builds every OpenDSP service from a target of deploy/docker/Dockerfile, the image named after the target", () => {
    const targets = new Set(file.stages.map((s) => s.name));
    expect(built.map(([name]) => name).sort()).toEqual(["audit", "consent", "gateway", "migrate", "registry", "repository"]);
    for (const [name, s] of built) {
      expect(s.build?.context, name).toBe(".");
      expect(s.build?.dockerfile, name).toBe(DOCKERFILE_PATH);
      expect(targets, name).toContain(s.build?.target);
      expect(s.build?.target, name).toBe(name);
      expect(imageName(s.image ?? ""), name).toBe(`opendsp/${name}`);
      expect(imageTag(s.image ?? ""), name).toBe(packageVersion);
    }
  });

  it("starts every service only after the migrations completed and its servers are healthy", () => {
    // Redis holds the audit queue: the services that send audit records wait for it, never for the audit service
    // itself, whose outage only delays the records (they wait in the senders' outboxes and on the queue).
    const servers: Record<ServiceName, string[]> = {
      registry: ["postgres", "redis"],
      repository: ["postgres", "minio", "redis", "registry"],
      consent: ["postgres"],
      gateway: ["registry", "repository", "consent", "redis"],
      audit: ["postgres", "redis"],
    };
    for (const name of SERVICE_NAMES) {
      const deps = service(name).depends_on ?? {};
      expect(deps["migrate"]?.condition, name).toBe("service_completed_successfully");
      for (const server of servers[name]) expect(deps[server]?.condition, `${name} on ${server}`).toBe("service_healthy");
      expect(deps["audit"], `${name} on audit`).toBeUndefined();
    }
    expect(service("migrate").depends_on?.["postgres"]?.condition).toBe("service_healthy");
  });

  it("has a health check for every service another one waits on", () => {
    const waitedOn = new Set(
      Object.values(services).flatMap((s) =>
        Object.entries(s.depends_on ?? {})
          .filter(([, d]) => d.condition === "service_healthy")
          .map(([n]) => n),
      ),
    );
    for (const name of waitedOn) {
      const s = service(name);
      const own = s.healthcheck?.test !== undefined;
      const fromImage = s.build?.target !== undefined && effective(file, s.build.target, "HEALTHCHECK") !== undefined;
      expect(own || fromImage, name).toBe(true);
    }
  });

  it("services that do not declare a health check of their own use the image's, on /health", () => {
    for (const name of SERVICE_NAMES) expect(service(name).healthcheck, name).toBeUndefined();
  });

  it("publishes only the gateway (8080), the ITI-8 MLLP feed (2575) and the ITI-20 syslog receiver over TLS (6514)", () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name}:${containerPort(p)}`));
    expect(published.sort()).toEqual(["audit:6514", "gateway:8080", "registry:2575"]);
  });

  it("gives each service only variables its configuration reads, or that support/pending.ts lists for it", async () => {
    for (const name of SERVICE_NAMES) {
      const keys = acceptedKeys(name, await configKeys(name));
      for (const variable of Object.keys(env(service(name)))) expect(keys, `${name}: ${variable}`).toContain(variable);
    }
  });

  it("gives the migrations exactly what deploy/docker/migrate.sh requires", () => {
    const required = requiredVariables(readRepoFile("deploy/docker/migrate.sh"));
    expect(Object.keys(env(service("migrate"))).sort()).toEqual([...required].sort());
  });

  it("turns MIGRATE_ON_START off for the services with a database", () => {
    for (const name of ["registry", "repository", "consent", "audit"]) expect(env(service(name))["MIGRATE_ON_START"], name).toBe("false");
  });

  it("points each service at its own database, created with its own role by deploy/postgres/init", () => {
    const init = readRepoFile("deploy/postgres/init/10-service-databases.sh");
    const postgres = env(service("postgres"));
    expect(service("postgres").volumes).toContain("./deploy/postgres/init:/docker-entrypoint-initdb.d:ro");
    const urls = {
      registry: env(service("registry"))["DATABASE_URL"],
      repository: env(service("repository"))["DATABASE_URL"],
      consent: env(service("consent"))["DATABASE_URL"],
      audit: env(service("audit"))["DATABASE_URL"],
    };
    const migrate = env(service("migrate"));
    for (const [name, url] of Object.entries(urls)) {
      const upper = name.toUpperCase();
      const m = /^postgres:\/\/([a-z]+):(\$\{([A-Z_]+):\?[^}]*\})@postgres:5432\/([a-z]+)$/.exec(url ?? "");
      expect(m, `${name}: ${url}`).not.toBeNull();
      expect(m?.[1]).toBe(name);
      expect(m?.[4]).toBe(name);
      expect(m?.[3]).toBe(`${upper}_DB_PASSWORD`);
      expect(init).toContain(`"\${${upper}_DB_NAME:-${name}}" "\${${upper}_DB_PASSWORD:?`);
      expect(postgres[`${upper}_DB_PASSWORD`]).toMatch(new RegExp(`^\\$\\{${upper}_DB_PASSWORD:\\?`));
      expect(migrate[`${upper}_DATABASE_URL`]).toBe(url);
    }
  });

  it("reaches the other services by their compose names and ports", () => {
    expect(env(service("repository"))["REGISTRY_URL"]).toBe(`http://registry:${SERVICE_IMAGES.registry.httpPort}/xds/registry`);
    expect(env(service("repository"))["S3_ENDPOINT"]).toBe("http://minio:9000");
    expect(env(service("gateway"))["REGISTRY_URL"]).toBe(`http://registry:${SERVICE_IMAGES.registry.httpPort}`);
    expect(env(service("gateway"))["REPOSITORY_URL"]).toBe(`http://repository:${SERVICE_IMAGES.repository.httpPort}`);
    expect(env(service("gateway"))["GATEWAY_CONSENT_URL"]).toBe(`http://consent:${SERVICE_IMAGES.consent.httpPort}`);
    const audit = `http://audit:${SERVICE_IMAGES.audit.httpPort}`;
    expect(env(service("registry"))["AUDIT_URL"]).toBe(audit);
    expect(env(service("repository"))["AUDIT_URL"]).toBe(audit);
    expect(env(service("gateway"))["GATEWAY_AUDIT_URL"]).toBe(audit);
  });

  it("puts the audit records of every sender on the audit service's queue: one Redis, one key prefix", () => {
    for (const name of ["registry", "repository", "gateway", "audit"]) expect(env(service(name))["REDIS_URL"], name).toBe("redis://redis:6379");
    const prefix = `\${AUDIT_QUEUE_PREFIX:-${AUDIT_DELIVERY.queuePrefix}}`;
    for (const name of ["registry", "repository", "audit"]) expect(env(service(name))["AUDIT_QUEUE_PREFIX"], name).toBe(prefix);
  });

  it("takes consent's presence-code key from a required variable: every instance and restart must hash alike", () => {
    expect(env(service("consent"))["CONSENT_PRESENCE_CODE_KEY"]).toMatch(REQUIRED_VARIABLE);
  });

  it("commits no secret: passwords and keys, alone or inside URLs, come from required variables", () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(env(s))) {
        if (/PASSWORD|SECRET|ACCESS_KEY|CODE_KEY|TOKEN|ROOT_USER/.test(variable)) expect(value, `${name}: ${variable}`).toMatch(REQUIRED_VARIABLE);
        const userinfo = /^[a-z]+:\/\/[^:/@]+:([^@]*)@/.exec(value);
        if (userinfo) expect(userinfo[1], `${name}: ${variable}`).toMatch(REQUIRED_VARIABLE);
      }
    }
  });

  it("deploy/.env.example names every required variable, with placeholder values only", () => {
    const example = readRepoFile("deploy/.env.example");
    const assignments = example
      .split("\n")
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => l.split("=", 2) as [string, string]);
    const text = readRepoFile("docker-compose.yml");
    const required = new Set([...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]));
    expect(assignments.map(([k]) => k).sort()).toEqual([...required].sort());
    for (const [, value] of assignments) expect(value).toBe("change-me");
    expect(readRepoFile("deploy/.gitignore").split("\n")).toContain(".env");
  });

  it("names images without a registry host and mounts only files that exist", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(namesRegistryHost(s.image ?? ""), name).toBe(false);
      for (const volume of s.volumes ?? []) {
        const source = volume.split(":")[0] ?? "";
        if (source.startsWith(".")) expect(existsSync(join(REPO_ROOT, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });
});

/** The container side of a compose port mapping ("host:container", "ip:host:container", "container"). */
function containerPort(mapping: string): number {
  const last = mapping.replace(/\$\{[^}]*\}/g, "x").split(":").at(-1) ?? "";
  return Number(last.replace(/\/(tcp|udp)$/, ""));
}
