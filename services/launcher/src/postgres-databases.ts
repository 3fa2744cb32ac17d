import { messageOf, openDatabase, type Database } from "@opendsp/platform";
import type { LauncherConfig } from "./launcher-config.js";
import { PlatformStartError } from "./platform-start-error.js";

/** The database each service uses on PostgreSQL, and whether the launcher creates it when missing. */
export interface ServiceDatabase {
  readonly url: string;
  readonly name: string;
  readonly create: boolean;
}

export interface ServiceDatabases {
  readonly registry: ServiceDatabase | undefined;
  readonly repository: ServiceDatabase | undefined;
  readonly consent: ServiceDatabase | undefined;
  readonly audit: ServiceDatabase | undefined;
}

/**
 * Each service owns its database, as in production (one database and role per service): they never share tables,
 * and each keeps its own migration table under the same default name, `kysely_migration` (two services' migrations in
 * one schema would read each other's history as corrupt). From DATABASE_URL naming database `opendsp` the launcher
 * derives `opendsp_registry`, `opendsp_repository`, `opendsp_consent` and `opendsp_audit` on the same server;
 * REGISTRY_DATABASE_URL, REPOSITORY_DATABASE_URL, CONSENT_DATABASE_URL or AUDIT_DATABASE_URL name a service's database outright instead.
 */
export function serviceDatabases(config: LauncherConfig): ServiceDatabases {
  const explicitUrls = { registry: config.REGISTRY_DATABASE_URL, repository: config.REPOSITORY_DATABASE_URL, consent: config.CONSENT_DATABASE_URL, audit: config.AUDIT_DATABASE_URL };
  const derive = (service: keyof ServiceDatabases): ServiceDatabase | undefined => {
    const explicit = explicitUrls[service];
    if (explicit) return { url: explicit, name: databaseNameOf(explicit), create: false };
    if (!config.DATABASE_URL) return undefined;
    const url = new URL(config.DATABASE_URL);
    const name = `${databaseNameOf(config.DATABASE_URL)}_${service}`;
    if (Buffer.byteLength(name) > 63) {
      throw new PlatformStartError(service, "LAUNCHER_DATABASE", `the database name ${name} derived from DATABASE_URL is longer than PostgreSQL's 63 bytes; name a shorter database or set ${service.toUpperCase()}_DATABASE_URL`);
    }
    url.pathname = `/${encodeURIComponent(name)}`;
    return { url: url.toString(), name, create: true };
  };
  return { registry: derive("registry"), repository: derive("repository"), consent: derive("consent"), audit: derive("audit") };
}

/** The database a postgres:// URL names; a URL naming none means `opendsp` here. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || "opendsp";
}

/** postgres://user:***@host:port/name, for messages and the start listing. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/** Creates the derived databases that do not exist yet, connected through DATABASE_URL. */
export async function createMissingDatabases(config: LauncherConfig, databases: ServiceDatabases): Promise<string[]> {
  const wanted = [databases.registry, databases.repository, databases.consent, databases.audit].filter((d): d is ServiceDatabase => d !== undefined && d.create);
  if (wanted.length === 0 || !config.DATABASE_URL) return [];
  const where = redactedUrl(config.DATABASE_URL);
  let admin: Database<unknown>;
  try {
    admin = await openDatabase<unknown>({ url: config.DATABASE_URL, maxConnections: 1 });
    await run(admin, "select 1");
  } catch (cause) {
    throw new PlatformStartError("platform", "LAUNCHER_DATABASE", `PostgreSQL at ${where} (DATABASE_URL) could not be reached: ${messageOf(cause)}`, { cause });
  }
  const created: string[] = [];
  try {
    for (const database of wanted) {
      const { rows } = await run(admin, "select 1 from pg_database where datname = $1", [database.name]);
      if (rows.length > 0) continue;
      try {
        await run(admin, `create database ${quoteIdentifier(database.name)}`);
        created.push(database.name);
      } catch (cause) {
        const code = (cause as { code?: unknown }).code;
        // 42P04: created meanwhile by another start.
        if (code === "42P04") continue;
        const hint = code === "42501" ? `; create it, or give the role of DATABASE_URL the CREATEDB privilege` : "";
        throw new PlatformStartError("platform", "LAUNCHER_DATABASE", `database ${database.name} could not be created on ${where}: ${messageOf(cause)}${hint}`, { cause });
      }
    }
  } finally {
    await admin.close();
  }
  return created;
}

/**
 * One statement through Kysely's executeQuery. The launcher has no SQL of its own beyond these two and takes no
 * dependency on a query builder for them: the statement is handed over as Kysely's compiled-query shape.
 */
function run(database: Database<unknown>, sql: string, parameters: readonly unknown[] = []): Promise<{ rows: unknown[] }> {
  const query: Parameters<Database<unknown>["db"]["executeQuery"]>[0] = {
    sql,
    parameters,
    query: { kind: "RawNode", sqlFragments: [sql], parameters: [] },
    queryId: { queryId: "launcher" },
  };
  return database.db.executeQuery(query);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
