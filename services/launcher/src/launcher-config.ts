import { loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";

const port = (defaultPort: number, minimum = 0) => Type.Integer({ default: defaultPort, minimum, maximum: 65535 });

/**
 * What the launcher itself reads from the environment (README lists it). Everything else in the environment is handed
 * to the services unchanged, so each service's own settings (REPOSITORY_UNIQUE_ID, S3_ACCESS_KEY, ...) still apply.
 */
export const LauncherConfigSchema = Type.Object({
  /** Where the platform keeps its data: registry/, repository/db/, repository/blobs/, consent/, audit/db/, identity-provider/. */
  OPENDSP_DATA_DIR: Type.String({ default: "./data", minLength: 1 }),
  GATEWAY_HOST: Type.String({ default: "127.0.0.1" }),
  REGISTRY_HOST: Type.String({ default: "127.0.0.1" }),
  REPOSITORY_HOST: Type.String({ default: "127.0.0.1" }),
  CONSENT_HOST: Type.String({ default: "127.0.0.1" }),
  AUDIT_HOST: Type.String({ default: "127.0.0.1" }),
  /** 0 picks a free port. */
  GATEWAY_PORT: port(8080),
  REGISTRY_PORT: port(8081),
  REPOSITORY_PORT: port(8082),
  CONSENT_PORT: port(8084),
  AUDIT_PORT: port(8085),
  /** ITI-8 over MLLP; 0 picks a free port, -1 turns the listener off. */
  HL7_MLLP_PORT: port(2575, -1),
  /** postgres://…/<name>: each service gets its own database, <name>_registry, <name>_repository, <name>_consent and <name>_audit, created when missing. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  /** A service's database given explicitly (used as it is, never created); wins over DATABASE_URL. */
  REGISTRY_DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  REPOSITORY_DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  CONSENT_DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  AUDIT_DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  /**
   * The consent service's presence-code HMAC key (base64, at least 32 bytes). Absent: one generated at the first
   * start and kept in <data>/consent/presence-code.key, so codes issued before a restart are still accepted after it.
   */
  CONSENT_PRESENCE_CODE_KEY: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9+/_-]{43,}={0,2}$" })),
  /**
   * The identity providers the gateway trusts for XUA. Absent: the development identity provider of
   * <data>/identity-provider/, made at the first start (development only).
   */
  GATEWAY_XUA_IDP_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** The audiences the gateway accepts, comma-separated; the development identity provider mints for the first. */
  GATEWAY_XUA_AUDIENCES: Type.Optional(Type.String({ minLength: 1 })),
  /** "enforced" (the default): XUA and consent on every SOAP transaction; "off" only for tests of other parts. */
  GATEWAY_ACCESS_CONTROL: Type.Union([Type.Literal("enforced"), Type.Literal("off")], { default: "enforced" }),
  /** S3 or MinIO for the documents (with S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET); absent: a folder. */
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: "^https?://" })),
  S3_BUCKET: Type.String({ default: "opendsp-documents" }),
  /** Redis for the jobs (BullMQ); absent: in-process. */
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
});

export type LauncherConfig = Static<typeof LauncherConfigSchema>;

export type Environment = Readonly<Record<string, string | undefined>>;

export function loadLauncherConfig(env: Environment): LauncherConfig {
  return loadConfig(LauncherConfigSchema, env, "launcher");
}
