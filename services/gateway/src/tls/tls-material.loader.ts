import { AppError } from "@opendsp/platform";
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ServerOptions } from "node:https";
import { createSecureContext } from "node:tls";
import type { GatewayTlsFiles } from "../config.js";
import { parseKnownSystems, type KnownSystems } from "../domain/systems/known-systems.js";

/** What the gateway listens with when TLS is configured, read and checked once at start. */
export interface GatewayTls {
  /** For https.createServer: the gateway's certificate and key, the client CAs, TLS 1.2 or later. */
  readonly serverOptions: ServerOptions;
  readonly clientCert: "required" | "optional";
  readonly systems: KnownSystems;
}

export class TlsSetupError extends AppError {
  override readonly name = "TlsSetupError";
}

/** One PEM certificate block of a bundle. */
export const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Reads the HTTPS material and the systems registry and checks each before the gateway listens, so that a wrong
 * path, a key that does not belong to the certificate or an empty CA bundle stops the start with the variable's
 * name, instead of failing every handshake later. Errors name files, never their content.
 */
export async function loadGatewayTls(files: GatewayTlsFiles): Promise<GatewayTls> {
  const [cert, key, clientCa, systemsText] = await Promise.all([
    readSetting("GATEWAY_TLS_CERT_FILE", files.certFile),
    readSetting("GATEWAY_TLS_KEY_FILE", files.keyFile),
    readSetting("GATEWAY_TLS_CLIENT_CA_FILE", files.clientCaFile),
    readSetting("GATEWAY_SYSTEMS_FILE", files.systemsFile),
  ]);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new TlsSetupError("GATEWAY_TLS_CERTIFICATE", `GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE are not a usable certificate and key: ${reasonOf(err)}`, { cause: err });
  }
  const caCertificates = clientCa.toString("utf8").match(PEM_CERTIFICATE) ?? [];
  if (caCertificates.length === 0) throw new TlsSetupError("GATEWAY_TLS_CLIENT_CA", `GATEWAY_TLS_CLIENT_CA_FILE (${files.clientCaFile}) holds no PEM certificate`);
  for (const [index, pem] of caCertificates.entries()) {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new TlsSetupError("GATEWAY_TLS_CLIENT_CA", `certificate ${index + 1} of GATEWAY_TLS_CLIENT_CA_FILE (${files.clientCaFile}) cannot be read: ${reasonOf(err)}`, { cause: err });
    }
  }
  const systems = parseKnownSystems(systemsText.toString("utf8"), `GATEWAY_SYSTEMS_FILE (${files.systemsFile})`);
  return {
    serverOptions: {
      cert,
      key,
      ca: caCertificates,
      // ATNA Secure Node (ITI TF-2a 3.19.6.2, BCP 195): TLS 1.2 at least; Node's default cipher list includes the
      // suites BCP 195 recommends.
      minVersion: "TLSv1.2",
      requestCert: true,
      // "optional": the handshake completes without a certificate; one that fails verification is refused by the
      // server right after the handshake (https-server.factory.ts).
      rejectUnauthorized: files.clientCert === "required",
    },
    clientCert: files.clientCert,
    systems,
  };
}

/** A file named by a setting, or a TlsSetupError naming the setting and the path (never the content). */
export async function readSetting(variable: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new TlsSetupError("GATEWAY_TLS_FILE", `${variable} (${path}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? reasonOf(err)}`, { cause: err });
  }
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
