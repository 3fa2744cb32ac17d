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
    expect(tlsFilesOf(loadGatewayConfig({ GATEWAY_ACCESS_CONTROL: "off" }))).toBeUndefined();
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

describe("gateway access control", () => {
  it("is enforced by default, and then needs a trust anchor (XUA or mutual TLS) to start", () => {
    expect(errorOf({}).message).toContain("access control is enforced but no trust anchor is configured");
    expect(loadGatewayConfig(TLS).GATEWAY_ACCESS_CONTROL).toBe("enforced");
    const xua = { GATEWAY_XUA_IDP_CERT_FILE: "/etc/opendsp/idp.pem", GATEWAY_XUA_AUDIENCES: "urn:opendsp:gateway" };
    expect(loadGatewayConfig(xua)).toMatchObject({ GATEWAY_ACCESS_CONTROL: "enforced", GATEWAY_CONSENT_URL: "http://127.0.0.1:8084", GATEWAY_CONSENT_CACHE_SECONDS: 5 });
  });

  it("off: routing only, no trust anchor needed", () => {
    expect(loadGatewayConfig({ GATEWAY_ACCESS_CONTROL: "off" }).GATEWAY_ACCESS_CONTROL).toBe("off");
    expect(errorOf({ GATEWAY_ACCESS_CONTROL: "sometimes" }).message).toContain("GATEWAY_ACCESS_CONTROL");
  });
});

describe("gateway audit settings", () => {
  it("names the gateway in its audit records, and proxies the access history only when the audit service is set", () => {
    const off = { GATEWAY_ACCESS_CONTROL: "off" };
    expect(loadGatewayConfig(off)).toMatchObject({ GATEWAY_AUDIT_SOURCE_ID: "opendsp-gateway" });
    expect(loadGatewayConfig(off).GATEWAY_AUDIT_URL).toBeUndefined();
    expect(loadGatewayConfig({ ...off, GATEWAY_AUDIT_URL: "http://127.0.0.1:8085" }).GATEWAY_AUDIT_URL).toBe("http://127.0.0.1:8085");
    expect(errorOf({ ...off, GATEWAY_AUDIT_URL: "audit:8085" }).message).toContain("GATEWAY_AUDIT_URL");
  });
});
