import { ConfigError } from "@opendsp/platform";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig, tlsFilesOf } from "./config.js";

const TLS = {
  GATEWAY_TLS_CERT_FILE: "/etc/opendsp/gateway.crt",
  GATEWAY_TLS_KEY_FILE: "/etc/opendsp/gateway.key",
  GATEWAY_TLS_CLIENT_CA_FILE: "/etc/opendsp/client-ca.pem",
  GATEWAY_SYSTEMS_FILE: "/etc/opendsp/systems.json",
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadGatewayConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("the configuration was accepted");
}

describe("gateway TLS configuration", () => {
  it("is plain HTTP when no TLS variable is set", () => {
    expect(tlsFilesOf(loadGatewayConfig({}))).toBeUndefined();
  });

  it("takes the four files together, client certificates optional by default", () => {
    expect(tlsFilesOf(loadGatewayConfig(TLS))).toEqual({
      certFile: TLS.GATEWAY_TLS_CERT_FILE,
      keyFile: TLS.GATEWAY_TLS_KEY_FILE,
      clientCaFile: TLS.GATEWAY_TLS_CLIENT_CA_FILE,
      systemsFile: TLS.GATEWAY_SYSTEMS_FILE,
      clientCert: "optional",
    });
    expect(tlsFilesOf(loadGatewayConfig({ ...TLS, GATEWAY_TLS_CLIENT_CERT: "required" }))?.clientCert).toBe("required");
  });

  it("refuses a partial TLS setting, naming each missing variable", () => {
    const onlyCert = errorOf({ GATEWAY_TLS_CERT_FILE: TLS.GATEWAY_TLS_CERT_FILE });
    expect(onlyCert.code).toBe("GATEWAY_CONFIG");
    expect(onlyCert.message).toBe("invalid gateway configuration: mutual TLS is partly configured; missing GATEWAY_TLS_KEY_FILE, GATEWAY_TLS_CLIENT_CA_FILE, GATEWAY_SYSTEMS_FILE");
    const { GATEWAY_SYSTEMS_FILE: _systems, ...noSystems } = TLS;
    expect(errorOf(noSystems).message).toBe("invalid gateway configuration: mutual TLS is partly configured; missing GATEWAY_SYSTEMS_FILE");
    const { GATEWAY_TLS_CLIENT_CA_FILE: _ca, ...noCa } = TLS;
    expect(errorOf(noCa).message).toContain("missing GATEWAY_TLS_CLIENT_CA_FILE");
  });

  it("refuses GATEWAY_TLS_CLIENT_CERT without TLS, and values other than required or optional", () => {
    expect(errorOf({ GATEWAY_TLS_CLIENT_CERT: "required" }).message).toBe(
      "invalid gateway configuration: GATEWAY_TLS_CLIENT_CERT is set but TLS is not; also set GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE, GATEWAY_TLS_CLIENT_CA_FILE, GATEWAY_SYSTEMS_FILE",
    );
    expect(errorOf({ ...TLS, GATEWAY_TLS_CLIENT_CERT: "sometimes" }).message).toContain("GATEWAY_TLS_CLIENT_CERT");
  });
});
