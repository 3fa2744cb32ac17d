import { AUDIT_DELIVERY } from "@opendsp/atna";
import { loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";

/** The registry's settings, read once from the environment at start (README lists them). */
export const RegistryConfigSchema = Type.Object({
  REGISTRY_HOST: Type.String({ default: "127.0.0.1" }),
  REGISTRY_PORT: Type.Integer({ default: 8081, minimum: 0, maximum: 65535 }),
  /** postgres://… for a real server; absent: embedded PGlite in REGISTRY_DATA_DIR. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  REGISTRY_DATA_DIR: Type.String({ default: "./data/registry" }),
  /** Bring the schema to the latest migration at start; false: refuse to start unless `migrate.ts` already did. */
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  /** Affinity-domain codes in the NIST codes.xml format, or "open" for an open domain without code checks. */
  REGISTRY_CODES: Type.String({ default: "default" }),
  /** Stored queries returning more objects than this answer XDSTooManyResults (ITI TF-2a 3.18.4.1.3). */
  REGISTRY_MAX_RESULTS: Type.Integer({ default: 5000, minimum: 1 }),
  /** homeCommunityId (urn:oid:…) put on returned objects when the registry belongs to a community. */
  REGISTRY_HOME_COMMUNITY_ID: Type.Optional(Type.String({ pattern: "^urn:oid:[0-2](\\.(0|[1-9][0-9]*))+$" })),
  REGISTRY_MAX_MESSAGE_BYTES: Type.Integer({ default: 64 * 1024 * 1024, minimum: 1024 }),
  /** ITI-8 patient identity feed, HL7 v2 over MLLP; 0 picks a free port, -1 turns the listener off. */
  HL7_MLLP_PORT: Type.Integer({ default: 2575, minimum: -1, maximum: 65535 }),
  /** redis(s)://… runs the registry's jobs on BullMQ and delivers its audit records to the audit service's queue; absent: in-process jobs. */
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  /** Key prefix of those jobs in Redis, shared by the registry's replicas (one database). */
  REGISTRY_JOBS_PREFIX: Type.String({ default: "opendsp:registry", pattern: "^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$" }),
  /** Every this many minutes the statistics are recounted from the registered documents, healing lost jobs. */
  REGISTRY_STATISTICS_CATCH_UP_MINUTES: Type.Integer({ default: 60, minimum: 1, maximum: 7 * 24 * 60 }),
  /** Registrations within one window of this many ms share one recount of their month, run when the window ends. */
  REGISTRY_STATISTICS_WINDOW_MS: Type.Integer({ default: 30_000, minimum: 1, maximum: 60 * 60_000 }),
  /** Key prefix of the audit service's queue; it must match the audit service's. */
  AUDIT_QUEUE_PREFIX: Type.String({ default: AUDIT_DELIVERY.queuePrefix, minLength: 1 }),
  /** The audit service's base URL, for its HTTP intake when there is no Redis. Neither set: records wait in the outbox. */
  AUDIT_URL: Type.Optional(Type.String({ pattern: "^https?://" })),
  /** AuditSourceID of the registry's audit records (DICOM PS3.15 A.5.2). */
  REGISTRY_AUDIT_SOURCE_ID: Type.String({ default: "opendsp-registry", minLength: 1, maxLength: 256 }),
  LOG_LEVEL: Type.Union([Type.Literal("fatal"), Type.Literal("error"), Type.Literal("warn"), Type.Literal("info"), Type.Literal("debug"), Type.Literal("trace"), Type.Literal("silent")], { default: "info" }),
});

export type RegistryConfig = Static<typeof RegistryConfigSchema>;

export function loadRegistryConfig(env: Readonly<Record<string, string | undefined>>): RegistryConfig {
  return loadConfig(RegistryConfigSchema, env, "registry");
}
