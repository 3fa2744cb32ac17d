import { AUDIT_DELIVERY } from "@opendsp/atna";
import { loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";

/** The repository's settings, read once from the environment at start (README lists them). */
export const RepositoryConfigSchema = Type.Object({
  REPOSITORY_HOST: Type.String({ default: "127.0.0.1" }),
  REPOSITORY_PORT: Type.Integer({ default: 8082, minimum: 0, maximum: 65535 }),
  /** This repository's repositoryUniqueId (an OID), set on every DocumentEntry it stores (ITI TF-3 4.2.3.2.18). */
  REPOSITORY_UNIQUE_ID: Type.String({ default: "1.3.6.1.4.1.59999.3.1", pattern: "^[0-2](\\.(0|[1-9][0-9]*))+$" }),
  /** The registry's SOAP endpoint that receives ITI-42. */
  REGISTRY_URL: Type.String({ default: "http://127.0.0.1:8081/xds/registry" }),
  REGISTRY_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100 }),
  /** postgres://… for a real server; absent: embedded PGlite in REPOSITORY_DATA_DIR. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  REPOSITORY_DATA_DIR: Type.String({ default: "./data/repository" }),
  /** Bring the schema to the latest migration at start; false: refuse to start unless `migrate.ts` already did. */
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  /** S3 or MinIO (http(s)://host:port); absent: documents in REPOSITORY_DATA_DIR/blobs. */
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: "^https?://" })),
  S3_ACCESS_KEY: Type.Optional(Type.String()),
  S3_SECRET_KEY: Type.Optional(Type.String()),
  S3_BUCKET: Type.String({ default: "opendsp-documents" }),
  S3_REGION: Type.String({ default: "us-east-1" }),
  /** Largest metadata part (the SOAP envelope) and largest whole message accepted. */
  REPOSITORY_MAX_METADATA_BYTES: Type.Integer({ default: 64 * 1024 * 1024, minimum: 1024 }),
  REPOSITORY_MAX_MESSAGE_BYTES: Type.Number({ default: 8 * 1024 * 1024 * 1024, minimum: 1024 }),
  /** Blobs written but never registered are removed after this many seconds (a crash between write and register). */
  REPOSITORY_ORPHAN_GRACE_SECONDS: Type.Integer({ default: 3600, minimum: 1 }),
  REPOSITORY_SWEEP_INTERVAL_SECONDS: Type.Integer({ default: 600, minimum: 1 }),
  /**
   * redis(s)://… runs the repository's jobs (the orphan sweeps) on BullMQ, and delivers its audit records as jobs on
   * the audit service's queue; absent: jobs in-process, audit records through AUDIT_URL.
   */
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  /** Key prefix of those jobs in Redis; default opendsp:repository:<REPOSITORY_UNIQUE_ID>, shared by its replicas. */
  REPOSITORY_JOBS_PREFIX: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*$" })),
  /** Key prefix of the audit service's queue; it must match the audit service's. */
  AUDIT_QUEUE_PREFIX: Type.String({ default: AUDIT_DELIVERY.queuePrefix, minLength: 1 }),
  /** The audit service's base URL, for its HTTP intake when there is no Redis. Neither set: records wait in the outbox. */
  AUDIT_URL: Type.Optional(Type.String({ pattern: "^https?://" })),
  /** AuditSourceID of the repository's audit records (DICOM PS3.15 A.5.2). */
  REPOSITORY_AUDIT_SOURCE_ID: Type.String({ default: "opendsp-repository", minLength: 1, maxLength: 256 }),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
});

export type RepositoryConfig = Static<typeof RepositoryConfigSchema>;

export function loadRepositoryConfig(env: Readonly<Record<string, string | undefined>>): RepositoryConfig {
  return loadConfig(RepositoryConfigSchema, env, "repository");
}
