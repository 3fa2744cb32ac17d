import type { TLSSocket } from "node:tls";

/** The subject of a verified client certificate as "CN=…, O=…"; undefined when none was presented or verified. */
export function verifiedPeerSubject(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
  if (subject === undefined) return undefined;
  const parts = Object.entries(subject).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${Array.isArray(value) ? value.join("+") : value}`]));
  return parts.length === 0 ? undefined : parts.join(", ");
}
