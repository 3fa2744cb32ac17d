import { XuaError, createXuaVerifier, type XuaVerifier } from "@opendsp/soap";
import type { GatewayXuaSettings } from "../config.js";
import { PEM_CERTIFICATE, TlsSetupError, readSetting, reasonOf } from "./tls-material.loader.js";

/**
 * The XUA verifier, from the identity providers' certificates in GATEWAY_XUA_IDP_CERT_FILE, checked once at start:
 * a bundle with no usable certificate would refuse every user, so it stops the start with the setting's name.
 */
export async function loadXuaVerifier(settings: GatewayXuaSettings): Promise<XuaVerifier> {
  const bundle = await readSetting("GATEWAY_XUA_IDP_CERT_FILE", settings.idpCertFile);
  const trustedCertificates = bundle.toString("utf8").match(PEM_CERTIFICATE) ?? [];
  if (trustedCertificates.length === 0) {
    throw new TlsSetupError("GATEWAY_XUA_IDP_CERT", `GATEWAY_XUA_IDP_CERT_FILE (${settings.idpCertFile}) holds no PEM certificate`);
  }
  try {
    return createXuaVerifier({ trustedCertificates, audiences: settings.audiences, clockSkewSeconds: settings.clockSkewSeconds });
  } catch (err) {
    if (!(err instanceof XuaError)) throw err;
    throw new TlsSetupError("GATEWAY_XUA_IDP_CERT", `GATEWAY_XUA_IDP_CERT_FILE (${settings.idpCertFile}) cannot be used: ${reasonOf(err)}`, { cause: err });
  }
}
