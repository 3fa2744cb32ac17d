import { ConfigError, loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";

/** The consent service's settings, read once from the environment at start (README lists them). */
export const ConsentConfigSchema = Type.Object({
  CONSENT_HOST: Type.String({ default: "127.0.0.1" }),
  CONSENT_PORT: Type.Integer({ default: 8084, minimum: 0, maximum: 65535 }),
  /** postgres://… for a real server; absent: embedded PGlite in CONSENT_DATA_DIR. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  CONSENT_DATA_DIR: Type.String({ default: "./data/consent" }),
  /** Bring the schema to the latest migration at start; false: refuse to start unless `migrate.ts` already did. */
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  /**
   * Key of the HMAC-SHA-256 under which presence codes are stored (base64, at least 32 bytes). Required with
   * DATABASE_URL, where several instances must hash alike; absent on the embedded database: a fresh key per start.
   */
  CONSENT_PRESENCE_CODE_KEY: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9+/_-]{43,}={0,2}$" })),
  /** How long an unused presence code stays valid. */
  CONSENT_PRESENCE_CODE_TTL_SECONDS: Type.Integer({ default: 900, minimum: 30, maximum: 7 * 24 * 3600 }),
  /** How long a presence grant lasts once a code is presented: 12 hours, one working day. */
  CONSENT_PRESENCE_GRANT_SECONDS: Type.Integer({ default: 12 * 3600, minimum: 60, maximum: 30 * 24 * 3600 }),
  /** Wrong codes a professional may present for one patient within the window before a lockout. */
  CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT: Type.Integer({ default: 5, minimum: 1 }),
  /** Wrong codes a professional may present for all patients together within the window before a lockout. */
  CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL: Type.Integer({ default: 20, minimum: 1 }),
  CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  CONSENT_PRESENCE_LOCKOUT_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  /** Comma-separated roles that may break the glass with purpose of use EMERGENCY. */
  CONSENT_EMERGENCY_ROLES: Type.String({ default: "emergency", pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  LOG_LEVEL: Type.Union([Type.Literal("fatal"), Type.Literal("error"), Type.Literal("warn"), Type.Literal("info"), Type.Literal("debug"), Type.Literal("trace"), Type.Literal("silent")], { default: "info" }),
});

export type ConsentConfig = Static<typeof ConsentConfigSchema>;

/** Smallest HMAC key accepted: the output size of SHA-256 (RFC 2104 section 3 recommends at least L bytes). */
const MIN_KEY_BYTES = 32;

export function loadConsentConfig(env: Readonly<Record<string, string | undefined>>): ConsentConfig {
  const config = loadConfig(ConsentConfigSchema, env, "consent");
  if (config.DATABASE_URL !== undefined && config.CONSENT_PRESENCE_CODE_KEY === undefined) {
    // Instances sharing one PostgreSQL database must hash codes alike, or a code issued by one would count as a
    // wrong guess on the other and lock professionals out.
    throw new ConfigError("CONSENT_CONFIG", "invalid consent configuration: CONSENT_PRESENCE_CODE_KEY is required when DATABASE_URL is set");
  }
  if (config.CONSENT_PRESENCE_CODE_KEY !== undefined && Buffer.from(config.CONSENT_PRESENCE_CODE_KEY, "base64").length < MIN_KEY_BYTES) {
    throw new ConfigError("CONSENT_CONFIG", `invalid consent configuration: CONSENT_PRESENCE_CODE_KEY must hold at least ${MIN_KEY_BYTES} bytes`);
  }
  return config;
}

/**
 * What the migrations read (src/migrate.ts): the database alone. The presence-code key is the running service's
 * concern, and the migration job of a deployment (deploy/docker/migrate.sh) is not given it.
 */
export const ConsentDatabaseSettingsSchema = Type.Object({
  DATABASE_URL: ConsentConfigSchema.properties.DATABASE_URL,
  CONSENT_DATA_DIR: ConsentConfigSchema.properties.CONSENT_DATA_DIR,
});

export function loadConsentDatabaseSettings(env: Readonly<Record<string, string | undefined>>): Static<typeof ConsentDatabaseSettingsSchema> {
  return loadConfig(ConsentDatabaseSettingsSchema, env, "consent");
}

/** The emergency roles of the configuration as a list. */
export function emergencyRolesOf(config: ConsentConfig): readonly string[] {
  return config.CONSENT_EMERGENCY_ROLES.split(",");
}
