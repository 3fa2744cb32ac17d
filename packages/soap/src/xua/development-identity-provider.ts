import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DevelopmentIdentityProviderError } from "./development-identity-provider-error.js";
import { generateSelfSignedSigningKey } from "./self-signed-certificate.js";

/*
 * The development identity provider: a signing key, its self-signed certificate and a small description, in one
 * folder of the embedded platform's data. The launcher makes it on the first start and hands the certificate to the
 * gateway as its trusted XUA signer; `opendsp token` signs assertions with the key. It stands in for the identity
 * providers of production (which the gateway trusts through GATEWAY_XUA_IDP_CERT_FILE) so that the whole access path
 * can be exercised on one machine. Anyone who can read the key can act as anybody: development only.
 */

export const DEVELOPMENT_IDP_ISSUER = "urn:opendsp:development-identity-provider";
/** The audience the gateway accepts when nothing else is configured (GATEWAY_XUA_AUDIENCES). */
export const DEVELOPMENT_IDP_AUDIENCE = "urn:opendsp:gateway";

export const DEVELOPMENT_IDP_FILES = {
  signingKey: "signing-key.pem",
  certificate: "signing-certificate.pem",
  description: "identity-provider.json",
} as const;

/** Long enough never to bother a developer; an expired certificate is replaced at the next start. */
const CERTIFICATE_VALID_DAYS = 3650;
/** A certificate that expires sooner than this is replaced, so tokens minted meanwhile stay verifiable. */
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

export interface DevelopmentIdentityProvider {
  /** saml2:Issuer of the assertions it mints. */
  readonly issuer: string;
  /** The saml2:Audience its assertions name: the gateway's. */
  readonly audience: string;
  readonly signingKeyPem: string;
  readonly certificatePem: string;
  /** Where the certificate is, for GATEWAY_XUA_IDP_CERT_FILE. */
  readonly certificateFile: string;
  readonly signingKeyFile: string;
}

export interface EnsureDevelopmentIdentityProviderOptions {
  /** Default DEVELOPMENT_IDP_AUDIENCE. */
  readonly audience?: string;
  readonly now?: Date;
}

/**
 * The identity provider of `dir`, made when missing: a key and certificate are generated only when absent, unreadable,
 * not a pair, or about to expire (tokens minted before a renewal then stop verifying, as after a key rotation).
 * The description is rewritten when the audience changes. The key file is readable by its owner only (mode 0600).
 */
export async function ensureDevelopmentIdentityProvider(dir: string, options: EnsureDevelopmentIdentityProviderOptions = {}): Promise<DevelopmentIdentityProvider> {
  const now = options.now ?? new Date();
  const audience = options.audience ?? DEVELOPMENT_IDP_AUDIENCE;
  if (audience.trim() === "") throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", "the development identity provider's audience must not be empty");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, DEVELOPMENT_IDP_FILES.signingKey);
  const certificateFile = join(dir, DEVELOPMENT_IDP_FILES.certificate);
  if (!(await usableKeyPair(keyFile, certificateFile, now))) {
    const pair = generateSelfSignedSigningKey({ commonName: "OpenDSP development identity provider", validDays: CERTIFICATE_VALID_DAYS, now });
    await writeFileAtomically(keyFile, pair.keyPem, 0o600);
    await writeFileAtomically(certificateFile, pair.certificatePem, 0o644);
  }
  const descriptionFile = join(dir, DEVELOPMENT_IDP_FILES.description);
  const description = `${JSON.stringify({ issuer: DEVELOPMENT_IDP_ISSUER, audience }, null, 2)}\n`;
  if ((await readFile(descriptionFile, "utf8").catch(() => undefined)) !== description) await writeFileAtomically(descriptionFile, description, 0o644);
  return loadDevelopmentIdentityProvider(dir);
}

/** The identity provider of `dir` as it is; DevelopmentIdentityProviderError DEV_IDP_MISSING when there is none. */
export async function loadDevelopmentIdentityProvider(dir: string): Promise<DevelopmentIdentityProvider> {
  const signingKeyFile = join(dir, DEVELOPMENT_IDP_FILES.signingKey);
  const certificateFile = join(dir, DEVELOPMENT_IDP_FILES.certificate);
  const descriptionFile = join(dir, DEVELOPMENT_IDP_FILES.description);
  const [signingKeyPem, certificatePem, descriptionText] = await Promise.all([signingKeyFile, certificateFile, descriptionFile].map((file) => readProviderFile(dir, file)));
  let description: unknown;
  try {
    description = JSON.parse(descriptionText ?? "");
  } catch (cause) {
    throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${descriptionFile} is not JSON`, { cause });
  }
  const { issuer, audience } = (description ?? {}) as { issuer?: unknown; audience?: unknown };
  if (typeof issuer !== "string" || issuer === "" || typeof audience !== "string" || audience === "") {
    throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${descriptionFile} must hold {"issuer": "...", "audience": "..."}`);
  }
  const key = parseKey(signingKeyPem ?? "", signingKeyFile);
  const certificate = parseCertificate(certificatePem ?? "", certificateFile);
  if (!certificate.checkPrivateKey(key)) throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${certificateFile} is not the certificate of ${signingKeyFile}`);
  return { issuer, audience, signingKeyPem: signingKeyPem ?? "", certificatePem: certificatePem ?? "", certificateFile, signingKeyFile };
}

async function readProviderFile(dir: string, file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
      throw new DevelopmentIdentityProviderError("DEV_IDP_MISSING", `no development identity provider in ${dir} (${file} is missing)`, { cause });
    }
    throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${file} could not be read`, { cause });
  }
}

async function usableKeyPair(keyFile: string, certificateFile: string, now: Date): Promise<boolean> {
  try {
    const key = parseKey(await readFile(keyFile, "utf8"), keyFile);
    const certificate = parseCertificate(await readFile(certificateFile, "utf8"), certificateFile);
    return certificate.checkPrivateKey(key) && Date.parse(certificate.validTo) - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    // Absent or damaged: made anew.
    return false;
  }
}

function parseKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${file} is not a PEM private key`, { cause });
  }
}

function parseCertificate(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new DevelopmentIdentityProviderError("DEV_IDP_INVALID", `${file} is not a PEM X.509 certificate`, { cause });
  }
}

/** Written beside, then renamed: a reader never sees half a key; the mode is set before the content lands. */
async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, content, { mode });
  await chmod(partial, mode);
  await rename(partial, file);
}
