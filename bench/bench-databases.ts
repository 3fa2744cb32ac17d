import { TEST_POSTGRES_ADMIN_URL, runAdminStatement as admin } from "@opendsp/testing";

/** The URL of the database `name` on the PostgreSQL server the benchmarks run on. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates the databases empty, dropping first whatever an interrupted earlier run left behind. */
export async function recreateDatabases(names: readonly string[]): Promise<void> {
  for (const name of names) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${name}`);
  }
}

/** Drops the databases at the end of a run; a failure is ignored so that it does not hide the run's own error. */
export async function dropDatabases(names: readonly string[]): Promise<void> {
  for (const name of names) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
}
