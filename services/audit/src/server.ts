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
import { fetchStoredAuditBatch } from "./storage/audit-event-store-order.query.js";
import { createSyslogForwarder, startSyslogReceivers, type SyslogForwarder, type SyslogReceivers } from "./syslog/index.js";

export interface AuditServer {
  readonly address: string;
  /** The ITI-20 receivers' addresses, when they listen (port 0 takes a free one). */
  readonly syslogTlsPort?: number;
  readonly syslogUdpPort?: number;
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
 * (BullMQ with REDIS_URL, in-process otherwise), the ITI-20 syslog receivers and forwarder the settings turn on, the
 * HTTP endpoint.
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
  let receivers: SyslogReceivers | undefined;
  let forwarder: SyslogForwarder | undefined;
  let address: string;
  try {
    const applied = config.MIGRATE_ON_START ? await migrateToLatest(database.db as Kysely<unknown>, AUDIT_MIGRATIONS) : await requireMigratedSchema(database);
    logger.info({ database: database.kind, migrations: applied.length }, "audit database ready");
    jobQueue = await createJobQueue({ redisUrl: config.REDIS_URL, prefix: config.AUDIT_QUEUE_PREFIX, concurrency: config.AUDIT_QUEUE_CONCURRENCY, logger });
    const deps = { db: database.db, jobQueue, now };
    await scheduleAuditPartitions(jobQueue, { ...deps, logger });
    defineRecordAuditEventJob(jobQueue, { ...deps, concurrency: config.AUDIT_QUEUE_CONCURRENCY }, options.deliveryRetry ?? AUDIT_DELIVERY);
    receivers = await startSyslogReceivers(config, { db: database.db, logger });
    if (config.AUDIT_FORWARD_URL !== undefined) {
      forwarder = createSyslogForwarder(config, { db: database.db, logger, fetchBatch: fetchStoredAuditBatch(database.db) });
    }
    app = buildApp(config, { ...deps, logger });
    address = await app.listen({ host: config.AUDIT_HOST, port: config.AUDIT_PORT });
  } catch (e) {
    // A start that fails (schema, Redis, syslog files or port, HTTP port taken) leaves nothing open behind it.
    await app?.close();
    await receivers?.close();
    await jobQueue?.close();
    await database.close();
    throw e;
  }
  const http = app;
  const queue = jobQueue;
  const syslog = receivers;
  const forwarding = forwarder;
  forwarding?.start();
  logger.info({ api: `${address}/api/audit`, delivery: queue.backend, forwarding: forwarding !== undefined }, "audit listening");
  return {
    address,
    ...(syslog.tlsAddress && { syslogTlsPort: syslog.tlsAddress.port }),
    ...(syslog.udpAddress && { syslogUdpPort: syslog.udpAddress.port }),
    async close(): Promise<void> {
      await http.close();
      // The receivers store what they took before the database closes; the forwarder finishes its batch.
      await Promise.all([syslog.close(), forwarding?.close()]);
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
