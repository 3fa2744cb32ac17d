import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

const DAY_MS = 24 * 3600 * 1000;

/** A certificate with its private key, both PEM. */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** Subject common name. */
  readonly commonName: string;
}

export interface CertificateOptions {
  readonly commonName: string;
  /** Organization (O=) of the subject, e.g. the laboratory a system certificate belongs to. */
  readonly organization?: string;
  /** Signs the certificate; a self-signed certificate when absent. */
  readonly issuer?: TestCertificate;
  /** A CA certificate (basicConstraints cA, keyCertSign). */
  readonly ca?: boolean;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Extended key usages: TLS server and/or client authentication. */
  readonly serverAuth?: boolean;
  readonly clientAuth?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/**
 * Generates an RSA key pair (Node's own key generation) and an X.509 certificate for tests: TLS servers and
 * clients, identity-provider signing keys. Keys are made on the spot, never stored in the repository.
 */
export function generateTestCertificate(options: CertificateOptions): TestCertificate {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A positive serial number: the first byte's high bit cleared.
  cert.serialNumber = `0${randomBytes(9).toString("hex").slice(1)}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 30 * DAY_MS);
  const subject = [{ shortName: "CN", value: options.commonName }, ...(options.organization === undefined ? [] : [{ shortName: "O", value: options.organization }])];
  cert.setSubject(subject);
  const issuerCert = options.issuer === undefined ? undefined : forge.pki.certificateFromPem(options.issuer.certPem);
  cert.setIssuer(issuerCert?.subject.attributes ?? subject);
  const extensions: object[] = [
    { name: "basicConstraints", cA: options.ca === true, critical: true },
    options.ca === true
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ];
  if (options.serverAuth === true || options.clientAuth === true) {
    extensions.push({ name: "extKeyUsage", serverAuth: options.serverAuth === true, clientAuth: options.clientAuth === true });
  }
  const altNames = [...(options.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip }))];
  if (altNames.length > 0) extensions.push({ name: "subjectAltName", altNames });
  cert.setExtensions(extensions);
  const signingKey = options.issuer === undefined ? key : forge.pki.privateKeyFromPem(options.issuer.keyPem);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem, commonName: options.commonName };
}
