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
  const { error, results } = await migratorFor(db, migrations, tableName).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    // No failed migration: the migrator could not even read its table (database unreachable, no permission).
    const message = failed === undefined ? `migrations could not run: ${errorMessage(error)}` : `migration ${failed} failed`;
    throw new AppError("DB_MIGRATION", message, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** The migrations of the set not yet applied to the database, in order (a schema behind the code). */
export async function pendingMigrations(db: Kysely<unknown>, migrations: MigrationSet, tableName = "kysely_migration"): Promise<string[]> {
  const known = await migratorFor(db, migrations, tableName).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

function migratorFor(db: Kysely<unknown>, migrations: MigrationSet, tableName: string): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
