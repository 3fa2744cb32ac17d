import type { AddressInfo } from "node:net";
import type { Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { SyslogTables } from "./received-audit-message.table.js";
import { createReceivedMessageWriter } from "./received-message.writer.js";
import { tlsReceiverEnabled, validateSyslogSettings, type SyslogSettings } from "./syslog-settings.js";
import { readOptionalPemFile, readPemFile } from "./tls-material.js";
import { startTlsSyslogReceiver, type TlsReceiver } from "./tls-syslog.receiver.js";
import { startUdpSyslogReceiver, type UdpReceiver } from "./udp-syslog.receiver.js";

export interface SyslogReceiverDeps {
  /** The audit database, migrated with receivedAuditMessageMigration. */
  readonly db: Kysely<SyslogTables>;
  readonly logger: Logger;
}

export interface SyslogReceivers {
  readonly tlsAddress?: AddressInfo;
  readonly udpAddress?: AddressInfo;
  /** UDP datagrams dropped because the store was behind, since start. */
  readonly udpDropped: number;
  /** Stops listening, lets open connections end, and waits until every received message is stored. */
  close(): Promise<void>;
}

/** Starts the ITI-20 Record Audit Event receivers the settings turn on (TLS, UDP, both or none). */
export async function startSyslogReceivers(settings: SyslogSettings, deps: SyslogReceiverDeps): Promise<SyslogReceivers> {
  validateSyslogSettings(settings);
  const logger = deps.logger.child({ component: "syslog-receiver" });
  let tls: TlsReceiver | undefined;
  let udp: UdpReceiver | undefined;
  const tlsWriter = createReceivedMessageWriter(deps.db, logger);
  const udpWriter = createReceivedMessageWriter(deps.db, logger);
  const close = async (): Promise<void> => {
    await Promise.all([tls?.close(), udp?.close()]);
    await Promise.all([tlsWriter.close(), udpWriter.close()]);
  };
  try {
    if (tlsReceiverEnabled(settings)) {
      tls = await startTlsSyslogReceiver(
        {
          host: settings.AUDIT_SYSLOG_HOST,
          port: settings.AUDIT_SYSLOG_TLS_PORT,
          cert: readPemFile("AUDIT_SYSLOG_TLS_CERT_FILE", settings.AUDIT_SYSLOG_TLS_CERT_FILE ?? ""),
          key: readPemFile("AUDIT_SYSLOG_TLS_KEY_FILE", settings.AUDIT_SYSLOG_TLS_KEY_FILE ?? ""),
          ca: readOptionalPemFile("AUDIT_SYSLOG_TLS_CA_FILE", settings.AUDIT_SYSLOG_TLS_CA_FILE),
          requireClientCert: settings.AUDIT_SYSLOG_REQUIRE_CLIENT_CERT,
          maxMessageBytes: settings.AUDIT_SYSLOG_MAX_MESSAGE_BYTES,
          maxConnections: settings.AUDIT_SYSLOG_MAX_CONNECTIONS,
          idleTimeoutMs: settings.AUDIT_SYSLOG_IDLE_TIMEOUT_MS,
        },
        tlsWriter,
        logger,
      );
    } else if (settings.AUDIT_SYSLOG_TLS_PORT !== -1) {
      logger.warn(
        { code: "AUDIT_SYSLOG_TLS_OFF", tlsPort: settings.AUDIT_SYSLOG_TLS_PORT },
        "ITI-20 TLS receiver off: AUDIT_SYSLOG_TLS_CERT_FILE and AUDIT_SYSLOG_TLS_KEY_FILE are not set (AUDIT_SYSLOG_TLS_PORT=-1 silences this)",
      );
    }
    if (settings.AUDIT_SYSLOG_UDP_PORT !== -1) {
      udp = await startUdpSyslogReceiver(
        {
          host: settings.AUDIT_SYSLOG_HOST,
          port: settings.AUDIT_SYSLOG_UDP_PORT,
          maxMessageBytes: settings.AUDIT_SYSLOG_MAX_MESSAGE_BYTES,
          queueMessages: settings.AUDIT_SYSLOG_UDP_QUEUE_MESSAGES,
        },
        udpWriter,
        logger,
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  logger.info({ tlsPort: tls?.address.port, udpPort: udp?.address.port }, "ITI-20 syslog receivers listening");
  return {
    ...(tls && { tlsAddress: tls.address }),
    ...(udp && { udpAddress: udp.address }),
    get udpDropped() {
      return udp?.dropped ?? 0;
    },
    close,
  };
}
