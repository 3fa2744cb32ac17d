import type { AddressInfo, Socket } from "node:net";
import { createServer, type TLSSocket } from "node:tls";
import { AtnaError, createOctetCountingFramer } from "@opendsp/atna";
import { AppError, messageOf, type Logger } from "@opendsp/platform";
import { HeldBytes, recoverFramesBeforeError } from "./frame-recovery.js";
import { verifiedPeerSubject } from "./peer-certificate.js";
import { decodeReceivedMessage, malformedMessage, type ReceivedFrom } from "./received-message.decoder.js";
import type { ReceivedMessageWriter } from "./received-message.writer.js";

/** Rows waiting to be stored beyond which TLS senders are paused, and the level at which they resume. */
const PAUSE_AT_PENDING = 1000;
const RESUME_BELOW_PENDING = 500;

export interface TlsReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer | undefined;
  readonly requireClientCert: boolean;
  readonly maxMessageBytes: number;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
}

export interface TlsReceiver {
  readonly address: AddressInfo;
  /** Stops taking connections and ends the open ones; storing what was taken is the writer's concern. */
  close(): Promise<void>;
}

/** ITI-20 over RFC 5425: syslog messages over TLS, octet-counted, each stored as received. */
export async function startTlsSyslogReceiver(options: TlsReceiverOptions, writer: ReceivedMessageWriter, logger: Logger): Promise<TlsReceiver> {
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.ca !== undefined && { ca: options.ca }),
      // RFC 5425 section 5.2: the server asks for the client's certificate; without the requirement a sender may
      // still present one, and its subject is kept only when it verifies.
      requestCert: options.requireClientCert || options.ca !== undefined,
      rejectUnauthorized: options.requireClientCert,
    },
    (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      receiveConnection(socket, options, writer, logger);
    },
  );
  server.maxConnections = options.maxConnections;
  server.on("drop", () => logger.warn({ code: "AUDIT_SYSLOG_TOO_MANY_CONNECTIONS", max: options.maxConnections }, "syslog TLS connection refused: too many open"));
  server.on("tlsClientError", (err: Error & { code?: string }, socket: Socket) => {
    logger.warn({ code: "AUDIT_SYSLOG_TLS_HANDSHAKE", reason: err.code ?? messageOf(err), peer: socket.remoteAddress }, "syslog TLS handshake failed");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) => reject(new AppError("AUDIT_SYSLOG_LISTEN", `syslog ${options.host}:${options.port} cannot be listened on`, { cause })));
    server.listen(options.port, options.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  server.on("error", (err) => logger.error({ code: "AUDIT_SYSLOG_TLS_SERVER", err: messageOf(err) }, "syslog TLS server error"));
  return {
    address: server.address() as AddressInfo,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.end();
      // A sender that does not answer the close is cut after a short grace.
      const cut = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2000);
      await closed;
      clearTimeout(cut);
    },
  };
}

function receiveConnection(socket: TLSSocket, options: TlsReceiverOptions, writer: ReceivedMessageWriter, logger: Logger): void {
  const max = options.maxMessageBytes;
  const from: Omit<ReceivedFrom, "receivedAt"> = {
    transport: "tls",
    peerAddress: socket.remoteAddress ?? "unknown",
    peerCertificateSubject: verifiedPeerSubject(socket),
  };
  const stamp = (): ReceivedFrom => ({ ...from, receivedAt: new Date() });
  const framer = createOctetCountingFramer(max);
  const held = new HeldBytes();
  let frames = 0;
  let failed = false;

  socket.on("timeout", () => {
    logger.info({ code: "AUDIT_SYSLOG_IDLE", peer: from.peerAddress, frames }, "idle syslog TLS connection closed");
    socket.destroy();
  });
  socket.setTimeout(options.idleTimeoutMs);

  const onData = (chunk: Buffer): void => {
    let done: Buffer[];
    try {
      done = framer.push(chunk);
    } catch (e) {
      const code = e instanceof AtnaError ? e.code : "AUDIT_SYSLOG_UNREADABLE";
      failed = true;
      socket.off("data", onData);
      socket.pause();
      // RFC 5425 section 4.3.1: octet counting cannot resynchronise; what came before is stored, then the
      // connection is closed.
      const recovered = recoverFramesBeforeError(held.bytes(), chunk, max);
      for (const frame of recovered.frames) writer.add(decodeReceivedMessage(frame, stamp(), max));
      writer.add(malformedMessage(recovered.rest, stamp(), code, max));
      frames += recovered.frames.length;
      logger.warn({ code, peer: from.peerAddress, frames }, "syslog framing error; connection closed");
      void writer.flush().finally(() => socket.destroy());
      return;
    }
    held.keepLast(framer.pendingBytes, chunk);
    for (const frame of done) writer.add(decodeReceivedMessage(frame, stamp(), max));
    frames += done.length;
    if (writer.pending >= PAUSE_AT_PENDING && !socket.isPaused()) {
      socket.pause();
      // A sender held back by us is not idle: the idle timer waits until reading resumes.
      socket.setTimeout(0);
      void writer.whenBelow(RESUME_BELOW_PENDING).then(() => {
        if (failed || socket.destroyed) return;
        socket.setTimeout(options.idleTimeoutMs);
        socket.resume();
      });
    }
  };
  socket.on("data", onData);
  socket.on("error", (err: Error & { code?: string }) => {
    logger.info({ code: "AUDIT_SYSLOG_CONNECTION", reason: err.code ?? messageOf(err), peer: from.peerAddress }, "syslog TLS connection error");
  });
  socket.on("close", () => {
    if (!failed && framer.pendingBytes > 0) {
      writer.add(malformedMessage(held.bytes(), stamp(), "AUDIT_SYSLOG_FRAME_INCOMPLETE", max));
      logger.warn({ code: "AUDIT_SYSLOG_FRAME_INCOMPLETE", peer: from.peerAddress, frames }, "syslog TLS connection ended inside a frame");
    }
  });
}
