import { AUDIT_DELIVERY } from "@opendsp/atna";
import { ConfigError, loadConfig } from "@opendsp/platform";
import Type, { type Static } from "typebox";

const KiB = 1024;
const MiB = 1024 * KiB;

/** The gateway's settings, read once from the environment at start (README lists them). */
export const GatewayConfigSchema = Type.Object({
  GATEWAY_HOST: Type.String({ default: "127.0.0.1" }),
  /** 0 picks a free port. */
  GATEWAY_PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  /** Base URLs of the services behind the gateway (their SOAP endpoints, /health and /api live under them). */
  REGISTRY_URL: Type.String({ default: "http://127.0.0.1:8081", pattern: "^https?://" }),
  REPOSITORY_URL: Type.String({ default: "http://127.0.0.1:8082", pattern: "^https?://" }),
  /**
   * The gateway's address as clients see it (e.g. https://dsp.example.org), written into the WSDLs' soap12:address.
   * Absent: taken from each request's Host, X-Forwarded-Proto and X-Forwarded-Host.
   */
  GATEWAY_PUBLIC_URL: Type.Optional(Type.String({ pattern: "^https?://[^/?#]+(/[^?#]*)?$" })),
  /** Time allowed to open a connection to a service. */
  GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ default: 5_000, minimum: 100 }),
  /** Time allowed for a service's response headers once the request has been sent. */
  GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS: Type.Integer({ default: 120_000, minimum: 100 }),
  /** Longest silence while a response body streams (a large ITI-43 keeps flowing; a stalled one is cut). */
  GATEWAY_UPSTREAM_BODY_TIMEOUT_MS: Type.Integer({ default: 120_000, minimum: 100 }),
  /** Time allowed for each service's /health answer. */
  GATEWAY_HEALTH_TIMEOUT_MS: Type.Integer({ default: 3_000, minimum: 100 }),
  /** Bytes read from the start of a SOAP request to find its wsa:Action (the header must come within them). */
  GATEWAY_MAX_HEADER_PREFIX_BYTES: Type.Integer({ default: 64 * KiB, minimum: 4 * KiB, maximum: 16 * MiB }),
  /** Largest SOAP request forwarded (MTOM uploads included); larger ones are cut and answered with a Fault. */
  GATEWAY_MAX_SOAP_MESSAGE_BYTES: Type.Number({ default: 8 * 1024 * MiB, minimum: 64 * KiB }),
  /** Largest JSON API request body forwarded. */
  GATEWAY_MAX_API_BODY_BYTES: Type.Integer({ default: 1 * MiB, minimum: 1 * KiB }),
  /** Folders of the committed WSDL and OpenAPI documents; default: wsdl/ and openapi/ of this source tree. */
  GATEWAY_WSDL_DIR: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_OPENAPI_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * HTTPS with client certificates (ATNA Secure Node, ITI TF-2a 3.19.6): the gateway's certificate and key, the CAs
   * whose client certificates are accepted, and the registered calling systems. All four files or none.
   */
  GATEWAY_TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_TLS_CLIENT_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_SYSTEMS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * "required": a connection without a trusted client certificate is refused in the handshake. "optional" (the
   * default once TLS is on): a client may come without one, to be authenticated by an XUA assertion instead.
   */
  GATEWAY_TLS_CLIENT_CERT: Type.Optional(Type.Union([Type.Literal("required"), Type.Literal("optional")])),
  /** XUA (ITI-40): PEM bundle of the identity providers' signing certificates, the only signers trusted. */
  GATEWAY_XUA_IDP_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** XUA: the audiences an assertion must name (AudienceRestriction), comma-separated. */
  GATEWAY_XUA_AUDIENCES: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_XUA_CLOCK_SKEW_SECONDS: Type.Integer({ default: 60, minimum: 0, maximum: 600 }),
  /**
   * "enforced" (the default): every SOAP request is authenticated (mutual TLS and/or XUA, at least one configured,
   * or the gateway does not start) and checked against the patient's consent before it reaches a service. "off": the
   * gateway routes only, for a closed test bench; never on a network others can reach.
   */
  GATEWAY_ACCESS_CONTROL: Type.Union([Type.Literal("enforced"), Type.Literal("off")], { default: "enforced" }),
  /** The consent service's base URL (its decision API). */
  GATEWAY_CONSENT_URL: Type.String({ default: "http://127.0.0.1:8084", pattern: "^https?://" }),
  /** How long a consent decision is reused; a rule change through the gateway drops the patient's decisions at once. */
  GATEWAY_CONSENT_CACHE_SECONDS: Type.Integer({ default: 5, minimum: 0, maximum: 300 }),
  /** Time allowed for a consent decision or a document lookup; past it the request is refused (fail closed). */
  GATEWAY_CONSENT_TIMEOUT_MS: Type.Integer({ default: 5_000, minimum: 100 }),
  /** Time allowed for the registry's and the consent service's statistics behind GET /api/stats. */
  GATEWAY_STATISTICS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  /** Most bytes of an ITI-41/42 request read to find the end of its metadata (the documents follow it, unread). */
  GATEWAY_MAX_METADATA_BYTES: Type.Integer({ default: 16 * MiB, minimum: 64 * KiB }),
  /** XUA role codes (hl7:Role code) of a patient acting on their own record, comma-separated. */
  GATEWAY_PATIENT_ROLES: Type.String({ default: "patient", pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  /** XUA role codes of a legal representative or companion acting for the patient of the assertion's resource-id. */
  GATEWAY_REPRESENTATIVE_ROLES: Type.String({ default: "representative", pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  /** The gateway's id in its audit records (DICOM AuditSourceIdentification AuditSourceID). */
  GATEWAY_AUDIT_SOURCE_ID: Type.String({ default: "opendsp-gateway", minLength: 1, maxLength: 256 }),
  /**
   * The audit service's base URL: when set, its access-history API (GET /api/audit/..., GET /fhir/AuditEvent) is
   * served through the gateway, to authenticated callers only.
   */
  GATEWAY_AUDIT_URL: Type.Optional(Type.String({ pattern: "^https?://" })),
  /**
   * Redis of the audit service's queue: the gateway's refusal records go there as jobs when set, else to
   * GATEWAY_AUDIT_URL's intake over HTTP (packages/atna/src/audit-delivery.ts).
   */
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  AUDIT_QUEUE_PREFIX: Type.String({ default: AUDIT_DELIVERY.queuePrefix, minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

/** Reads and checks the gateway's settings; a partial TLS setting is an error naming what is missing. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const config = loadConfig(GatewayConfigSchema, env, "gateway");
  const tls = tlsFilesOf(config);
  const xua = xuaSettingsOf(config);
  if (config.GATEWAY_ACCESS_CONTROL === "enforced" && tls === undefined && xua === undefined) {
    // Without a trust anchor nobody can be authenticated, so every request would be refused: a configuration error
    // to name at start, not a gateway that answers Faults to everyone.
    throw new ConfigError(
      "GATEWAY_CONFIG",
      "invalid gateway configuration: access control is enforced but no trust anchor is configured; set GATEWAY_XUA_IDP_CERT_FILE and GATEWAY_XUA_AUDIENCES (XUA) and/or GATEWAY_TLS_* (mutual TLS), or GATEWAY_ACCESS_CONTROL=off on a closed test bench",
    );
  }
  return config;
}

/** How XUA assertions are checked, when the gateway requires them. */
export interface GatewayXuaSettings {
  readonly idpCertFile: string;
  readonly audiences: readonly string[];
  readonly clockSkewSeconds: number;
}

/**
 * The XUA settings when both the trusted identity providers and the audiences are set, undefined when neither is.
 * One without the other would either trust nobody or accept assertions meant for any service, so it stops the start.
 */
export function xuaSettingsOf(config: GatewayConfig): GatewayXuaSettings | undefined {
  const { GATEWAY_XUA_IDP_CERT_FILE: idpCertFile, GATEWAY_XUA_AUDIENCES: audienceList } = config;
  if (idpCertFile === undefined && audienceList === undefined) return undefined;
  const audiences = (audienceList ?? "").split(",").map((a) => a.trim()).filter((a) => a.length > 0);
  if (idpCertFile === undefined || audiences.length === 0) {
    const missing = idpCertFile === undefined ? "GATEWAY_XUA_IDP_CERT_FILE" : "GATEWAY_XUA_AUDIENCES";
    throw new ConfigError("GATEWAY_CONFIG", `invalid gateway configuration: XUA is partly configured; missing ${missing}`);
  }
  return { idpCertFile, audiences, clockSkewSeconds: config.GATEWAY_XUA_CLOCK_SKEW_SECONDS };
}

/** Where the HTTPS material and the systems registry are, when the gateway listens with TLS. */
export interface GatewayTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
  readonly systemsFile: string;
  readonly clientCert: "required" | "optional";
}

const TLS_VARIABLES = ["GATEWAY_TLS_CERT_FILE", "GATEWAY_TLS_KEY_FILE", "GATEWAY_TLS_CLIENT_CA_FILE", "GATEWAY_SYSTEMS_FILE"] as const;

/**
 * The TLS files when all are set, undefined when none is. Half a TLS setting would start a gateway that is not what
 * the operator asked for (plain HTTP, or HTTPS trusting no client), so it stops the start instead.
 */
export function tlsFilesOf(config: GatewayConfig): GatewayTlsFiles | undefined {
  const missing = TLS_VARIABLES.filter((name) => config[name] === undefined);
  if (missing.length === TLS_VARIABLES.length) {
    if (config.GATEWAY_TLS_CLIENT_CERT !== undefined) {
      throw new ConfigError("GATEWAY_CONFIG", `invalid gateway configuration: GATEWAY_TLS_CLIENT_CERT is set but TLS is not; also set ${TLS_VARIABLES.join(", ")}`);
    }
    return undefined;
  }
  const { GATEWAY_TLS_CERT_FILE: certFile, GATEWAY_TLS_KEY_FILE: keyFile, GATEWAY_TLS_CLIENT_CA_FILE: clientCaFile, GATEWAY_SYSTEMS_FILE: systemsFile } = config;
  if (certFile === undefined || keyFile === undefined || clientCaFile === undefined || systemsFile === undefined) {
    throw new ConfigError("GATEWAY_CONFIG", `invalid gateway configuration: mutual TLS is partly configured; missing ${missing.join(", ")}`);
  }
  return { certFile, keyFile, clientCaFile, systemsFile, clientCert: config.GATEWAY_TLS_CLIENT_CERT ?? "optional" };
}
