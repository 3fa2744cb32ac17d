import { DEVELOPMENT_IDP_AUDIENCE, ensureDevelopmentIdentityProvider } from "@opendsp/soap";
import { messageOf } from "@opendsp/platform";
import type { LauncherConfig } from "./launcher-config.js";
import { PlatformStartError } from "./platform-start-error.js";

/** How the gateway authenticates users when the launcher sets it up with the development identity provider. */
export interface GatewayIdentitySettings {
  /** GATEWAY_XUA_IDP_CERT_FILE: the development identity provider's certificate. */
  readonly idpCertFile: string;
  /** GATEWAY_XUA_AUDIENCES as given to the gateway. */
  readonly audiences: string;
  /** The development identity provider's folder (for the listing and `opendsp token --data-dir`). */
  readonly dir: string;
}

/**
 * The operator's identity providers when GATEWAY_XUA_IDP_CERT_FILE is set (their audiences too: the gateway checks the
 * pair). Otherwise the development identity provider of `dir`, made at the first start and kept: its certificate is
 * the only signer the gateway trusts, and `opendsp token` mints with its key. The assertions then name the first of
 * GATEWAY_XUA_AUDIENCES, or urn:opendsp:gateway.
 */
export async function gatewayIdentitySettings(config: LauncherConfig, dir: string): Promise<GatewayIdentitySettings | undefined> {
  if (config.GATEWAY_XUA_IDP_CERT_FILE !== undefined) {
    // The operator's setting, with or without audiences: the gateway itself reports a partial XUA setting.
    return undefined;
  }
  const audiences = config.GATEWAY_XUA_AUDIENCES ?? DEVELOPMENT_IDP_AUDIENCE;
  const audience = audiences.split(",").map((a) => a.trim()).find((a) => a !== "") ?? DEVELOPMENT_IDP_AUDIENCE;
  try {
    const provider = await ensureDevelopmentIdentityProvider(dir, { audience });
    return { idpCertFile: provider.certificateFile, audiences, dir };
  } catch (cause) {
    throw new PlatformStartError("gateway", "LAUNCHER_IDENTITY_PROVIDER", `the development identity provider in ${dir} could not be made: ${messageOf(cause)}`, { cause });
  }
}
