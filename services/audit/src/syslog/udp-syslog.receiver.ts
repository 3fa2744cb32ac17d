import { createSocket, type RemoteInfo } from "node:dgram";
import type { AddressInfo } from "node:net";
import { isIPv6 } from "node:net";
import { AppError, messageOf, type Logger } from "@opendsp/platform";
import { decodeReceivedMessage, malformedMessage } from "./received-message.decoder.js";
import type { ReceivedMessageWriter } from "./received-message.writer.js";

/** How often a run of dropped datagrams is reported (one log line, not one per datagram). */
const DROP_REPORT_MS = 5000;

export interface UdpReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  /** Datagrams waiting to be stored beyond which new ones are dropped and counted. */
  readonly queueMessages: number;
}

export interface UdpReceiver {
  readonly address: AddressInfo;
  /** Datagrams dropped because the queue was full, since start. */
  readonly dropped: number;
  /** Stops taking datagrams; storing what was taken is the writer's concern. */
  close(): Promise<void>;
}

/** ITI-20 over RFC 5426: one syslog message per datagram, stored as received. */
export async function startUdpSyslogReceiver(options: UdpReceiverOptions, writer: ReceivedMessageWriter, logger: Logger): Promise<UdpReceiver> {
  const socket = createSocket({ type: isIPv6(options.host) ? "udp6" : "udp4" });
  let dropped = 0;
  let unreported = 0;
  const report = setInterval(() => {
    if (unreported === 0) return;
    logger.warn({ code: "AUDIT_SYSLOG_UDP_DROPPED", dropped: unreported, droppedTotal: dropped, queue: options.queueMessages }, "syslog UDP datagrams dropped: the store is behind");
    unreported = 0;
  }, DROP_REPORT_MS);
  report.unref();

  socket.on("message", (datagram: Buffer, peer: RemoteInfo) => {
    // UDP has no flow control: a full queue drops the datagram, counted and reported.
    if (writer.pending >= options.queueMessages) {
      dropped += 1;
      unreported += 1;
      return;
    }
    const from = { transport: "udp" as const, peerAddress: peer.address, receivedAt: new Date() };
    // RFC 5426 section 3.2: a receiver may refuse a datagram over its size limit; it is kept, cut, as malformed.
    writer.add(
      datagram.length > options.maxMessageBytes
        ? malformedMessage(datagram, from, "AUDIT_SYSLOG_TOO_LARGE", options.maxMessageBytes)
        : decodeReceivedMessage(datagram, from, options.maxMessageBytes),
    );
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", (cause) => {
      clearInterval(report);
      socket.close();
      reject(new AppError("AUDIT_SYSLOG_LISTEN", `syslog ${options.host}:${options.port} cannot be listened on (UDP)`, { cause }));
    });
    socket.bind(options.port, options.host, () => {
      socket.removeAllListeners("error");
      resolve();
    });
  });
  socket.on("error", (err) => logger.error({ code: "AUDIT_SYSLOG_UDP_SOCKET", err: messageOf(err) }, "syslog UDP socket error"));
  return {
    address: socket.address(),
    get dropped() {
      return dropped;
    },
    async close() {
      clearInterval(report);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      if (unreported > 0) logger.warn({ code: "AUDIT_SYSLOG_UDP_DROPPED", dropped: unreported, droppedTotal: dropped }, "syslog UDP datagrams dropped: the store is behind");
    },
  };
}
