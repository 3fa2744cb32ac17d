import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** An RSA signing key and its self-signed certificate, both PEM. */
export interface SigningKeyPair {
  readonly keyPem: string;
  readonly certificatePem: string;
}

/**
 * A fresh RSA-2048 key (Node's own key generation) and a self-signed X.509 certificate for it, valid from a day
 * before `now` (tolerating clocks behind) for `validDays`. Node's crypto verifies certificates but cannot issue them,
 * hence node-forge for the certificate alone. The key usage is digitalSignature only: it signs assertions, nothing
 * else (RFC 5280 §4.2.1.3).
 */
export function generateSelfSignedSigningKey(options: { readonly commonName: string; readonly validDays: number; readonly now?: Date }): SigningKeyPair {
  const now = options.now ?? new Date();
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // RFC 5280 §4.1.2.2: a positive serial number of at most 20 octets (the first byte's high bit cleared).
  cert.serialNumber = `0${randomBytes(9).toString("hex").slice(1)}`;
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + options.validDays * DAY_MS);
  const subject = [{ shortName: "CN", value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { keyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

const DAY_MS = 24 * 3600 * 1000;
