import { connect, type ConnectionOptions } from "node:tls";
import { isIP } from "node:net";
import { AppError, messageOf } from "@opendsp/platform";

export interface SyslogTlsTarget {
  readonly host: string;
  readonly port: number;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer | undefined;
  /** Longest a batch may take from connect to the peer's close. */
  readonly timeoutMs: number;
}

/**
 * Sends RFC 5425 frames over one mutually authenticated TLS connection and resolves only once the receiver has
 * read them all. Syslog has no acknowledgement; RFC 5425 section 4.4 has the sender close with close_notify and lets
 * it wait for the receiver's own, which the receiver sends only after reading every byte before ours: waiting for it
 * turns a written batch into a read one. Any error, reset or timeout rejects with AUDIT_FORWARD_SEND,
 * and the batch is to be sent again (at least once).
 */
export function sendSyslogFramesConfirmed(target: SyslogTlsTarget, frames: readonly Buffer[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const options: ConnectionOptions = {
      host: target.host,
      port: target.port,
      cert: target.cert,
      key: target.key,
      ...(target.ca !== undefined && { ca: target.ca }),
      // SNI takes a host name only (RFC 6066 section 3).
      ...(isIP(target.host) === 0 && { servername: target.host }),
      rejectUnauthorized: true,
    };
    let settled = false;
    let peerEnded = false;
    const fail = (reason: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(new AppError("AUDIT_FORWARD_SEND", `audit messages not delivered to ${target.host}:${target.port}: ${reason}`, { cause }));
    };
    const socket = connect(options, () => {
      for (const frame of frames) socket.write(frame);
      socket.end();
    });
    const timer = setTimeout(() => fail(`no close from the receiver within ${target.timeoutMs} ms`), target.timeoutMs);
    socket.on("data", () => {
      // A syslog receiver sends nothing back; whatever comes is ignored.
    });
    socket.on("end", () => {
      peerEnded = true;
    });
    socket.on("error", (err) => fail(messageOf(err), err));
    socket.on("close", () => {
      if (!peerEnded) return fail("the connection closed before the receiver's close");
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    });
  });
}
