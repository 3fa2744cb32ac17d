import { generateTestCertificate, type TestCertificate } from "@opendsp/testing";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";

/**
 * A small affinity domain PKI for tests, made on the spot: the trusted CA, the gateway's server certificate for
 * 127.0.0.1/localhost, and client certificates from the trusted CA, from a CA the gateway does not trust, and one
 * already expired. Written as PEM files in a temporary folder, with a systems file, for the gateway's TLS variables.
 */
export interface TestPki {
  readonly ca: TestCertificate;
  readonly untrustedCa: TestCertificate;
  readonly server: TestCertificate;
  /** Registered by subject as "lab-1", a laboratory allowed every transaction. */
  readonly laboratory: TestCertificate;
  /** Registered by fingerprint as "lab-submit", a laboratory allowed ITI-41 only. */
  readonly submitOnly: TestCertificate;
  /** Issued by the trusted CA, registered as no system. */
  readonly stranger: TestCertificate;
  /** The laboratory's subject, issued by the untrusted CA. */
  readonly untrusted: TestCertificate;
  /** The laboratory's subject, from the trusted CA, expired yesterday. */
  readonly expired: TestCertificate;
  /** GATEWAY_TLS_* and GATEWAY_SYSTEMS_FILE for these files ("optional" client certificates). */
  readonly env: Readonly<Record<string, string>>;
  readonly dir: string;
  remove(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
const LAB = { commonName: "lis.example.org", organization: "Laboratoire Exemple" };

export async function createTestPki(): Promise<TestPki> {
  const ca = generateTestCertificate({ commonName: "OpenDSP test affinity domain CA", ca: true });
  const untrustedCa = generateTestCertificate({ commonName: "Some other CA", ca: true });
  const server = generateTestCertificate({ commonName: "localhost", issuer: ca, serverAuth: true, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
  const laboratory = generateTestCertificate({ ...LAB, issuer: ca, clientAuth: true });
  const submitOnly = generateTestCertificate({ commonName: "submit.example.org", organization: "Laboratoire Exemple", issuer: ca, clientAuth: true });
  const stranger = generateTestCertificate({ commonName: "stranger.example.org", organization: "Unknown Practice", issuer: ca, clientAuth: true });
  const untrusted = generateTestCertificate({ ...LAB, issuer: untrustedCa, clientAuth: true });
  const expired = generateTestCertificate({ ...LAB, issuer: ca, clientAuth: true, notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
  const systems = [
    {
      id: "lab-1",
      name: "Laboratoire Exemple",
      organizationId: "1.2.250.1.71.4.2.2.1",
      kind: "laboratory",
      certificate: { subject: `CN=${LAB.commonName},O=${LAB.organization}` },
    },
    {
      id: "lab-submit",
      name: "Laboratoire Exemple, envoi des résultats",
      organizationId: "1.2.250.1.71.4.2.2.1",
      kind: "laboratory",
      certificate: { sha256Fingerprint: new X509Certificate(submitOnly.certPem).fingerprint256 },
      transactions: ["ITI-41"],
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), "opendsp-gateway-tls-"));
  const file = (name: string): string => join(dir, name);
  await Promise.all([
    writeFile(file("server.crt"), server.certPem),
    writeFile(file("server.key"), server.keyPem, { mode: 0o600 }),
    writeFile(file("client-ca.pem"), ca.certPem),
    writeFile(file("systems.json"), JSON.stringify(systems, null, 2)),
  ]);
  return {
    ca,
    untrustedCa,
    server,
    laboratory,
    submitOnly,
    stranger,
    untrusted,
    expired,
    dir,
    env: {
      GATEWAY_TLS_CERT_FILE: file("server.crt"),
      GATEWAY_TLS_KEY_FILE: file("server.key"),
      GATEWAY_TLS_CLIENT_CA_FILE: file("client-ca.pem"),
      GATEWAY_SYSTEMS_FILE: file("systems.json"),
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** An HTTPS client that trusts `ca` and shows `certificate` (none: no client certificate). */
export function tlsClient(ca: TestCertificate, certificate?: TestCertificate): Agent {
  return new Agent({ connect: { ca: ca.certPem, ...(certificate === undefined ? {} : { cert: certificate.certPem, key: certificate.keyPem }) } });
}

export interface TlsAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** One request through `client`, the answer read whole. */
export async function sendOverTls(client: Agent, url: string, options: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string } = {}): Promise<TlsAnswer> {
  const res = await request(url, { dispatcher: client, method: options.method ?? "GET", headers: options.headers ?? {}, body: options.body ?? null });
  const body = Buffer.from(await res.body.arrayBuffer());
  const contentType = res.headers["content-type"];
  return { status: res.statusCode, contentType: typeof contentType === "string" ? contentType : "", body };
}
