import { ConfigError } from "@opendsp/platform";
import Type, { type Static } from "typebox";

const Port = (defaultPort: number) => Type.Integer({ default: defaultPort, minimum: -1, maximum: 65535 });
const PemFile = Type.Optional(Type.String({ minLength: 1 }));

/**
 * The ITI-20 receivers' and the forwarder's settings, to be spread into the audit service's configuration schema.
 * A port of -1 turns that receiver off; 0 takes a free port (tests).
 */
export const AUDIT_SYSLOG_SETTINGS = {
  /** Address the receivers listen on; 0.0.0.0 to take messages from other hosts. */
  AUDIT_SYSLOG_HOST: Type.String({ default: "127.0.0.1", minLength: 1 }),
  /** RFC 5425 section 4.1: syslog over TLS is port 6514. */
  AUDIT_SYSLOG_TLS_PORT: Port(6514),
  /** RFC 5426 section 3.3 names port 514; off unless set, since UDP has neither authentication nor delivery. */
  AUDIT_SYSLOG_UDP_PORT: Port(-1),
  AUDIT_SYSLOG_TLS_CERT_FILE: PemFile,
  AUDIT_SYSLOG_TLS_KEY_FILE: PemFile,
  /** CA bundle that signs the senders' client certificates. */
  AUDIT_SYSLOG_TLS_CA_FILE: PemFile,
  /** RFC 5425 section 5.2 and the ATNA Secure Node: both ends authenticate with certificates. */
  AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: Type.Boolean({ default: true }),
  /** Largest message taken (RFC 5425 section 4.3.1: at least 2048 octets must be accepted). */
  AUDIT_SYSLOG_MAX_MESSAGE_BYTES: Type.Integer({ default: 65_536, minimum: 2048, maximum: 16 * 1024 * 1024 }),
  AUDIT_SYSLOG_MAX_CONNECTIONS: Type.Integer({ default: 256, minimum: 1 }),
  /** A TLS connection that sends nothing for this long is closed. */
  AUDIT_SYSLOG_IDLE_TIMEOUT_MS: Type.Integer({ default: 300_000, minimum: 1000 }),
  /** UDP messages waiting to be stored; beyond it datagrams are dropped and counted (UDP has no backpressure). */
  AUDIT_SYSLOG_UDP_QUEUE_MESSAGES: Type.Integer({ default: 10_000, minimum: 1 }),
  /** External audit repository the stored audit records are forwarded to: syslog-tls://host:port. */
  AUDIT_FORWARD_URL: Type.Optional(Type.String({ pattern: "^syslog-tls://[^/?#]+:\\d{1,5}/?$" })),
  AUDIT_FORWARD_TLS_CERT_FILE: PemFile,
  AUDIT_FORWARD_TLS_KEY_FILE: PemFile,
  /** CA bundle that signs the audit repository's certificate; absent: the system's trusted roots. */
  AUDIT_FORWARD_TLS_CA_FILE: PemFile,
  AUDIT_FORWARD_BATCH_SIZE: Type.Integer({ default: 100, minimum: 1, maximum: 10_000 }),
  AUDIT_FORWARD_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  AUDIT_FORWARD_MAX_BACKOFF_MS: Type.Integer({ default: 60_000, minimum: 100 }),
};

/** The settings alone, for loading them apart from the service's schema (tests, tools). */
export const SyslogSettingsSchema = Type.Object(AUDIT_SYSLOG_SETTINGS);
export type SyslogSettings = Static<typeof SyslogSettingsSchema>;

/**
 * Checks what the schema alone cannot: the combinations. Throws ConfigError AUDIT_SYSLOG_CONFIG naming every
 * problem at once.
 */
export function validateSyslogSettings(settings: SyslogSettings): SyslogSettings {
  const problems: string[] = [];
  if (settings.AUDIT_SYSLOG_TLS_PORT !== -1) {
    const hasCert = settings.AUDIT_SYSLOG_TLS_CERT_FILE !== undefined;
    const hasKey = settings.AUDIT_SYSLOG_TLS_KEY_FILE !== undefined;
    // No TLS file at all is the stock deployment's receiver not set up yet (tlsReceiverEnabled); some but not all
    // of them is a mistake.
    if (hasCert !== hasKey || (!hasCert && settings.AUDIT_SYSLOG_TLS_CA_FILE !== undefined)) {
      problems.push("AUDIT_SYSLOG_TLS_CERT_FILE and AUDIT_SYSLOG_TLS_KEY_FILE go together: set both to turn the TLS receiver on, or neither");
    }
    // Without a CA of its own the server would accept any certificate a public root signed.
    if (hasCert && hasKey && settings.AUDIT_SYSLOG_REQUIRE_CLIENT_CERT && settings.AUDIT_SYSLOG_TLS_CA_FILE === undefined) {
      problems.push("AUDIT_SYSLOG_TLS_CA_FILE is required while AUDIT_SYSLOG_REQUIRE_CLIENT_CERT is true");
    }
  }
  if (settings.AUDIT_FORWARD_URL !== undefined) {
    const port = Number(new URL(settings.AUDIT_FORWARD_URL).port);
    if (!(port >= 1 && port <= 65535)) problems.push("AUDIT_FORWARD_URL needs a port 1..65535");
    // ITI-20 over TLS is mutually authenticated (RFC 5425 section 5.2, ATNA Secure Node).
    if (settings.AUDIT_FORWARD_TLS_CERT_FILE === undefined || settings.AUDIT_FORWARD_TLS_KEY_FILE === undefined) {
      problems.push("AUDIT_FORWARD_TLS_CERT_FILE and AUDIT_FORWARD_TLS_KEY_FILE are required with AUDIT_FORWARD_URL");
    }
  }
  if (problems.length > 0) throw new ConfigError("AUDIT_SYSLOG_CONFIG", `invalid audit syslog configuration: ${problems.join("; ")}`);
  return settings;
}

/**
 * Whether the RFC 5425 receiver listens: a port other than -1, and the server certificate and key. RFC 5425 is TLS
 * only, so without them there is nothing it could listen with; the default port stays 6514 so that giving the files
 * is all an operator does to turn it on.
 */
export function tlsReceiverEnabled(settings: SyslogSettings): boolean {
  return settings.AUDIT_SYSLOG_TLS_PORT !== -1 && settings.AUDIT_SYSLOG_TLS_CERT_FILE !== undefined && settings.AUDIT_SYSLOG_TLS_KEY_FILE !== undefined;
}

/** The forward target of AUDIT_FORWARD_URL, once validated. */
export function forwardTargetOf(url: string): { readonly host: string; readonly port: number } {
  const parsed = new URL(url);
  // URL keeps an IPv6 literal in brackets; the TLS connect wants it bare.
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(parsed.port) };
}
