import type { AddressInfo } from "node:net";
import { createServer, type TLSSocket } from "node:tls";
import { createOctetCountingFramer, parseSyslogMessage, readDicomAuditMessage, type ReceivedAuditMessage } from "@opendsp/atna";

/** An external audit repository for tests: a mutual-TLS syslog server that keeps the audit messages it reads. */
export interface TestAuditRepository {
  readonly port: number;
  /** Every audit message read, in arrival order (a message sent twice appears twice). */
  readonly received: ReceivedAuditMessage[];
  /** Connections whose client certificate verified. */
  readonly authorizedConnections: number;
  close(): Promise<void>;
}

export async function startTestAuditRepository(tls: { cert: string; key: string; ca: string }): Promise<TestAuditRepository> {
  const received: ReceivedAuditMessage[] = [];
  const sockets = new Set<TLSSocket>();
  let authorized = 0;
  const server = createServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (socket) => {
    sockets.add(socket);
    if (socket.authorized) authorized += 1;
    const framer = createOctetCountingFramer(1024 * 1024);
    socket.on("data", (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) {
        const read = readDicomAuditMessage(parseSyslogMessage(frame).message);
        if (read.ok) received.push(read.record);
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    get authorizedConnections() {
      return authorized;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
