import { loadConfig } from "@opendsp/platform";
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
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env, "gateway");
}
