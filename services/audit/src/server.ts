import { AUDIT_DELIVERY } from "@opendsp/atna";
import { AppError, createJobQueue, createLogger, migrateToLatest, openDatabase, pendingMigrations, type Database, type JobQueue, type Logger } from "@opendsp/platform";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { AUDIT_MIGRATIONS } from "../migrations/index.js";
import { buildApp } from "./app.js";
import type { AuditConfig } from "./config.js";
import { scheduleAuditPartitions } from "./jobs/audit-partitions.job.js";
import { defineRecordAuditEventJob, type DeliveryRetry } from "./jobs/record-audit-event.job.js";
import type { AuditDatabase } from "./storage/audit-database.js";

export interface AuditServer {
  readonly address: string;
  close(): Promise<void>;
}

export interface AuditServerOptions {
  readonly logger?: Logger;
  /** The service's clock (stored_at, refusals, which months get partitions); tests set it. */
  readonly now?: () => Date;
  /** Retries of the queue's deliveries; AUDIT_DELIVERY's by default, which the producers' contract names. */
  readonly deliveryRetry?: DeliveryRetry;
}

/**
 * Starts the audit service: database and migrations, the monthly partitions ahead, the delivery queue's consumer
 * (BullMQ with REDIS_URL, in-process otherwise), the HTTP endpoint.
 */
export async function startAuditServer(config: AuditConfig, options: AuditServerOptions = {}): Promise<AuditServer> {
  const logger = options.logger ?? createLogger({ service: "audit", level: config.LOG_LEVEL });
  const now = options.now ?? ((): Date => new Date());
  const database = await openDatabase<AuditDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.AUDIT_DATA_DIR,
    onIdleConnectionError: (err) => logger.warn({ err }, "an idle database connection was closed by the server"),
  });
  let jobQueue: JobQueue | undefined;
  let app: FastifyInstance | undefined;
  let address: string;
  try {
    const applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, AUDIT_MIGRATIONS) : await requireMigratedSchema(database);
    logger.info({ database: database.kind, migrations: applied.length }, "audit database ready");
    jobQueue = await createJobQueue({ redisUrl: config.REDIS_URL, prefix: config.AUDIT_QUEUE_PREFIX, concurrency: config.AUDIT_QUEUE_CONCURRENCY, logger });
    const deps = { db: database.db, jobQueue, now };
    await scheduleAuditPartitions(jobQueue, { ...deps, logger });
    defineRecordAuditEventJob(jobQueue, deps, options.deliveryRetry ?? AUDIT_DELIVERY);
    app = buildApp(config, { ...deps, logger });
    address = await app.listen({ host: config.AUDIT_HOST, port: config.AUDIT_PORT });
  } catch (e) {
    // A start that fails (schema, Redis, port taken) leaves nothing open behind it.
    await app?.close();
    await jobQueue?.close();
    await database.close();
    throw e;
  }
  const http = app;
  const queue = jobQueue;
  logger.info({ api: `${address}/api/audit`, delivery: queue.backend }, "audit listening");
  return {
    address,
    async close(): Promise<void> {
      await http.close();
      await queue.close();
      await database.close();
    },
  };
}

/**
 * MIGRATE_ON_START=false: `migrate.ts` brings the schema up before a new version starts. A schema behind the code
 * would fail at the first record stored, so the service refuses to start.
 */
async function requireMigratedSchema(database: Database<AuditDatabase>): Promise<string[]> {
  const missing = await pendingMigrations(database.db as Kysely<unknown>, AUDIT_MIGRATIONS);
  if (missing.length === 0) return [];
  throw new AppError(
    "AUDIT_SCHEMA_NOT_MIGRATED",
    `the audit database lacks migrations ${missing.join(", ")} and MIGRATE_ON_START is false: run services/audit/src/migrate.ts first`,
  );
}
