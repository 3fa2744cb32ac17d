import { X509Certificate } from "node:crypto";
import { connect, createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { generateTestCertificate } from "./test-certificates.js";

describe("generateTestCertificate", () => {
  it("issues a CA, a server and a client certificate that complete a mutual TLS handshake", async () => {
    const ca = generateTestCertificate({ commonName: "OpenDSP test CA", ca: true });
    const server = generateTestCertificate({ commonName: "localhost", issuer: ca, serverAuth: true, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
    const client = generateTestCertificate({ commonName: "lab-system", organization: "Laboratoire Test", issuer: ca, clientAuth: true });

    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);
    expect(new X509Certificate(client.certPem).verify(caCert.publicKey)).toBe(true);

    const tls = createServer({ cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (socket) => {
      socket.end(String(socket.getPeerCertificate().subject.CN));
    });
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const port = (tls.address() as { port: number }).port;
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port, ca: ca.certPem, cert: client.certPem, key: client.keyPem, servername: "localhost" });
        let text = "";
        socket.on("data", (c: Buffer) => (text += c.toString()));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
      });
      expect(answer).toBe("lab-system");
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it("makes a certificate that is already expired when asked", () => {
    const cert = generateTestCertificate({ commonName: "old", notBefore: new Date(Date.now() - 2e9), notAfter: new Date(Date.now() - 1e9) });
    expect(new Date(new X509Certificate(cert.certPem).validTo).getTime()).toBeLessThan(Date.now());
  });
});
