import { AUTHPRIV_FACILITY, IHE_AUDIT_MSGID, formatSyslogMessage, frameOctetCounted, toDicomAuditMessage, type AuditRecord } from "@opendsp/atna";
import { randomUUID } from "node:crypto";
import { connect } from "node:tls";

/**
 * `count` ITI-20 messages as an external actor sends them: a DICOM audit message of an ITI-43 export (PS3.15 A.5)
 * in an RFC 5424 syslog message, octet-counted (RFC 5425), each with its own event id and patient.
 */
export function syslogAuditMessages(count: number): Buffer[] {
  const occurredAt = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const record: AuditRecord = {
      eventId: randomUUID(),
      occurredAt,
      transaction: "ITI-43",
      role: "repository",
      outcome: "success",
      auditSource: { id: "bench-repository", enterpriseSiteId: "Bench", service: "repository" },
      requestor: { kind: "professional", id: `bench-professional-${i % 50}`, roles: ["doctor"] },
      client: { id: "http://bench.example/consumer", networkAddress: "10.0.0.1" },
      destination: { endpoint: "https://bench.example/xds/repository", networkAddress: "bench.example" },
      patientIds: [`BENCH${i}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`],
      documents: [{ uniqueId: `1.3.6.1.4.1.59999.9.${i}`, repositoryUniqueId: "1.3.6.1.4.1.59999.3.1" }],
    };
    const message = formatSyslogMessage({
      facility: AUTHPRIV_FACILITY,
      severity: 5,
      timestamp: occurredAt,
      hostname: "bench.example",
      appName: "bench-repository",
      msgId: IHE_AUDIT_MSGID,
      message: toDicomAuditMessage(record),
    });
    return frameOctetCounted(message);
  });
}

/** Sends the framed messages over `connections` TLS connections, spread evenly, honouring the socket's backpressure. */
export async function sendSyslogOverTls(options: {
  readonly host: string;
  readonly port: number;
  readonly caPem: string;
  readonly connections: number;
  readonly messages: readonly Buffer[];
}): Promise<void> {
  const { connections, messages } = options;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const socket = connect({ host: options.host, port: options.port, ca: options.caPem, servername: undefined });
      await new Promise<void>((resolve, reject) => {
        socket.once("secureConnect", resolve);
        socket.once("error", reject);
      });
      for (let i = c; i < messages.length; i += connections) {
        const frame = messages[i];
        if (frame === undefined) continue;
        if (!socket.write(frame)) await new Promise<void>((resolve) => socket.once("drain", resolve));
      }
      await new Promise<void>((resolve) => socket.end(resolve));
    }),
  );
}
