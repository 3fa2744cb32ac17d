import { AUDIT_DELIVERY } from "@opendsp/atna";
import { ConfigError, loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";
import { AUDIT_SYSLOG_SETTINGS, validateSyslogSettings } from "./syslog/syslog-settings.js";

/*
 * The audit service's settings come in fragments, plain objects of TypeBox properties, so that other parts of the
 * service (the syslog receivers) spread their own fragment into AuditConfigSchema next to these.
 */

const RoleList = Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" });

/** Where the HTTP API listens. */
export const AuditHttpSettings = {
  AUDIT_HOST: Type.String({ default: "127.0.0.1" }),
  AUDIT_PORT: Type.Integer({ default: 8085, minimum: 0, maximum: 65535 }),
};

/** The audit store: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in AUDIT_DATA_DIR. */
export const AuditDatabaseSettings = {
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  AUDIT_DATA_DIR: Type.String({ default: "./data/audit" }),
};

/** Bring the schema to the latest migration at start; false: refuse to start unless `migrate.ts` already did. */
export const AuditMigrationSettings = {
  MIGRATE_ON_START: Type.Boolean({ default: true }),
};

/** The delivery queue the relays add records to (AUDIT_DELIVERY in @opendsp/atna); no REDIS_URL: HTTP intake only. */
export const AuditQueueSettings = {
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  AUDIT_QUEUE_PREFIX: Type.String({ default: AUDIT_DELIVERY.queuePrefix, pattern: "^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$" }),
  /**
   * Delivery jobs running at once; their records share transactions (createAuditStoreBatcher), so this bounds the
   * records per commit under load. A running job holds only a promise and a lock in Redis.
   */
  AUDIT_QUEUE_CONCURRENCY: Type.Integer({ default: 64, minimum: 1, maximum: 256 }),
};

/** Who reads what: auditor roles read every record; the rest only their own access history. */
export const AuditAccessSettings = {
  /** Comma-separated role codes that read every patient's history and the dead letter. */
  AUDIT_AUDITOR_ROLES: Type.String({ ...RoleList, default: "auditor" }),
  AUDIT_HISTORY_DEFAULT_LIMIT: Type.Integer({ default: 50, minimum: 1, maximum: 1000 }),
  AUDIT_HISTORY_MAX_LIMIT: Type.Integer({ default: 200, minimum: 1, maximum: 1000 }),
};

/** The HTTP intake of the embedded platform (no Redis). */
export const AuditIntakeSettings = {
  /** Largest intake request body; a full batch of AUDIT_DELIVERY.maxBatch records fits in the default. */
  AUDIT_INTAKE_MAX_BYTES: Type.Integer({ default: 8 * 1024 * 1024, minimum: 1024, maximum: 256 * 1024 * 1024 }),
};

export const AuditLogSettings = {
  LOG_LEVEL: Type.Union([Type.Literal("fatal"), Type.Literal("error"), Type.Literal("warn"), Type.Literal("info"), Type.Literal("debug"), Type.Literal("trace"), Type.Literal("silent")], { default: "info" }),
};

/** The audit service's settings, read once from the environment at start (README lists them). */
export const AuditConfigSchema = Type.Object({
  ...AuditHttpSettings,
  ...AuditDatabaseSettings,
  ...AuditMigrationSettings,
  ...AuditQueueSettings,
  ...AuditAccessSettings,
  ...AuditIntakeSettings,
  ...AuditLogSettings,
  // ITI-20 receivers (TLS, UDP) and forwarder: src/syslog/syslog-settings.ts.
  ...AUDIT_SYSLOG_SETTINGS,
});

export type AuditConfig = Static<typeof AuditConfigSchema>;

export function loadAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  const config = loadConfig(AuditConfigSchema, env, "audit");
  if (config.AUDIT_HISTORY_DEFAULT_LIMIT > config.AUDIT_HISTORY_MAX_LIMIT) {
    throw new ConfigError("AUDIT_CONFIG", "invalid audit configuration: AUDIT_HISTORY_DEFAULT_LIMIT must not exceed AUDIT_HISTORY_MAX_LIMIT");
  }
  // The syslog combinations (certificates, CA, forward target) are refused here, at start, not at first use.
  validateSyslogSettings(config);
  return config;
}

/** What the migrations read (src/migrate.ts): the database alone. */
export const AuditDatabaseSettingsSchema = Type.Object({ ...AuditDatabaseSettings });

export function loadAuditDatabaseSettings(env: Readonly<Record<string, string | undefined>>): Static<typeof AuditDatabaseSettingsSchema> {
  return loadConfig(AuditDatabaseSettingsSchema, env, "audit");
}

/** The auditor roles of the configuration as a list. */
export function auditorRolesOf(config: Pick<AuditConfig, "AUDIT_AUDITOR_ROLES">): readonly string[] {
  return config.AUDIT_AUDITOR_ROLES.split(",");
}
