import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";
import { AppError } from "../errors/app-error.js";

/** Migrations listed in code, keyed by a timestamped name, so they run the same from source or a bundle. */
export type MigrationSet = Readonly<Record<string, Migration>>;

class StaticMigrationProvider implements MigrationProvider {
  private readonly migrations: MigrationSet;
  constructor(migrations: MigrationSet) {
    this.migrations = migrations;
  }
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.migrations });
  }
}

/** Brings the schema to the latest migration; fails with every migration's outcome named. */
export async function migrateToLatest(db: Kysely<unknown>, migrations: MigrationSet, tableName = "kysely_migration"): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new AppError("DB_MIGRATION", `migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
